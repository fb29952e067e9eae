using SecureChat.Engine.Mls.Codec;

namespace SecureChat.Engine.Mls.Messages;

/// <summary>
/// Sender (RFC 9420 section 6): a member by leaf index, an external sender by its index in the external_senders
/// extension, or a new member (proposal or commit), which carries no index. Immutable; thread-safe.
/// </summary>
internal sealed record Sender(SenderType Type, uint Index)
{
    public static Sender Member(uint leafIndex) => new(SenderType.Member, leafIndex);

    public static Sender External(uint senderIndex) => new(SenderType.External, senderIndex);

    public static Sender NewMemberProposal { get; } = new(SenderType.NewMemberProposal, 0);

    public static Sender NewMemberCommit { get; } = new(SenderType.NewMemberCommit, 0);

    public bool HasIndex => Type is SenderType.Member or SenderType.External;

    public void Write(MlsWriter w)
    {
        w.U8((byte)Type);
        if (HasIndex)
        {
            w.U32(Index);
        }
    }

    public static Sender Read(ref MlsReader r)
    {
        SenderType type = WireEnums.ReadSenderType(ref r);
        return type is SenderType.Member or SenderType.External ? new(type, r.U32()) : new(type, 0);
    }
}
