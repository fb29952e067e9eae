using SecureChat.Engine.Mls.Codec;

namespace SecureChat.Engine.Mls.Messages;

/// <summary>
/// FramedContentTBS (RFC 9420 section 6.1): what a message's signature covers: the version, the wire format, the
/// framed content, and for member and new_member_commit senders the group context of the epoch, which binds the
/// signature to one epoch of one group. Immutable; thread-safe.
/// </summary>
internal sealed record FramedContentTbs(WireFormat WireFormat, FramedContent Content, GroupContext? Context)
{
    /// <summary>The label of a message's signature (section 5.1.2 SignWithLabel).</summary>
    public const string SignatureLabel = "FramedContentTBS";

    /// <summary>True when the sender's type puts the group context into the signed bytes.</summary>
    public static bool NeedsContext(Sender sender) => sender.Type is SenderType.Member or SenderType.NewMemberCommit;

    public void Write(MlsWriter w)
    {
        w.U16((ushort)ProtocolVersion.Mls10);
        w.U16((ushort)WireFormat);
        Content.Write(w);
        if (NeedsContext(Content.Sender))
        {
            (Context ?? throw new InvalidOperationException($"a {Content.Sender.Type} sender signs with the group context")).Write(w);
        }
    }

    public byte[] Encode() => MlsWriter.Encode(Write);
}
