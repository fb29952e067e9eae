using SecureChat.Engine.Mls.Codec;

namespace SecureChat.Engine.Mls.Messages;

/// <summary>
/// FramedContent (RFC 9420 section 6): the group id, epoch, sender and authenticated data of a message, and its
/// content: application data, a proposal or a commit, as <see cref="ContentType"/> says (exactly the matching
/// property is set). Immutable; thread-safe.
/// </summary>
internal sealed record FramedContent
{
    public FramedContent(byte[] groupId, ulong epoch, Sender sender, byte[] authenticatedData, byte[] applicationData)
        : this(groupId, epoch, sender, authenticatedData, ContentType.Application, applicationData, null, null)
    {
    }

    public FramedContent(byte[] groupId, ulong epoch, Sender sender, byte[] authenticatedData, Proposal proposal)
        : this(groupId, epoch, sender, authenticatedData, ContentType.Proposal, null, proposal, null)
    {
    }

    public FramedContent(byte[] groupId, ulong epoch, Sender sender, byte[] authenticatedData, Commit commit)
        : this(groupId, epoch, sender, authenticatedData, ContentType.Commit, null, null, commit)
    {
    }

    private FramedContent(
        byte[] groupId, ulong epoch, Sender sender, byte[] authenticatedData, ContentType type, byte[]? applicationData, Proposal? proposal, Commit? commit)
    {
        GroupId = groupId;
        Epoch = epoch;
        Sender = sender;
        AuthenticatedData = authenticatedData;
        ContentType = type;
        ApplicationData = applicationData;
        Proposal = proposal;
        Commit = commit;
    }

    public byte[] GroupId { get; }

    public ulong Epoch { get; }

    public Sender Sender { get; }

    public byte[] AuthenticatedData { get; }

    public ContentType ContentType { get; }

    public byte[]? ApplicationData { get; }

    public Proposal? Proposal { get; }

    public Commit? Commit { get; }

    public void Write(MlsWriter w)
    {
        w.Opaque(GroupId);
        w.U64(Epoch);
        Sender.Write(w);
        w.Opaque(AuthenticatedData);
        w.U8((byte)ContentType);
        WriteBody(w);
    }

    /// <summary>The content alone (the select on content_type), as PrivateMessageContent carries it.</summary>
    public void WriteBody(MlsWriter w)
    {
        switch (ContentType)
        {
            case ContentType.Application:
                w.Opaque(ApplicationData!);
                break;
            case ContentType.Proposal:
                Proposal!.Write(w);
                break;
            default:
                Commit!.Write(w);
                break;
        }
    }

    public static FramedContent Read(ref MlsReader r)
    {
        byte[] groupId = r.OpaqueArray();
        ulong epoch = r.U64();
        Sender sender = Sender.Read(ref r);
        byte[] authenticatedData = r.OpaqueArray();
        ContentType type = WireEnums.ReadContentType(ref r);
        return ReadBody(ref r, groupId, epoch, sender, authenticatedData, type);
    }

    /// <summary>Reads the content of <paramref name="type"/> and builds the framed content around it.</summary>
    public static FramedContent ReadBody(ref MlsReader r, byte[] groupId, ulong epoch, Sender sender, byte[] authenticatedData, ContentType type) =>
        type switch
        {
            ContentType.Application => new(groupId, epoch, sender, authenticatedData, r.OpaqueArray()),
            ContentType.Proposal => new(groupId, epoch, sender, authenticatedData, Proposal.Read(ref r)),
            _ => new(groupId, epoch, sender, authenticatedData, Commit.Read(ref r)),
        };

    public byte[] Encode() => MlsWriter.Encode(Write);
}
