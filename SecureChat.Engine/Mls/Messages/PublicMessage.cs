using SecureChat.Engine.Mls.Codec;

namespace SecureChat.Engine.Mls.Messages;

/// <summary>
/// PublicMessage (RFC 9420 section 6.2): framed content in the clear with its auth data and, for a member sender,
/// the membership tag (a MAC under the epoch's membership key). Immutable; thread-safe.
/// </summary>
internal sealed record PublicMessage
{
    public PublicMessage(FramedContent content, FramedContentAuthData auth, byte[]? membershipTag)
    {
        auth.CheckMatches(content.ContentType);
        if ((content.Sender.Type == SenderType.Member) != (membershipTag is not null))
        {
            throw new ArgumentException("a membership tag is present exactly for a member sender", nameof(membershipTag));
        }

        Content = content;
        Auth = auth;
        MembershipTag = membershipTag;
    }

    public FramedContent Content { get; }

    public FramedContentAuthData Auth { get; }

    /// <summary>Present exactly when the sender is a member.</summary>
    public byte[]? MembershipTag { get; }

    public void Write(MlsWriter w)
    {
        Content.Write(w);
        Auth.Write(w);
        if (MembershipTag is not null)
        {
            w.Opaque(MembershipTag);
        }
    }

    public static PublicMessage Read(ref MlsReader r)
    {
        FramedContent content = FramedContent.Read(ref r);
        FramedContentAuthData auth = FramedContentAuthData.Read(ref r, content.ContentType);
        byte[]? tag = content.Sender.Type == SenderType.Member ? r.OpaqueArray() : null;
        return new(content, auth, tag);
    }
}
