using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using SecureChat.Engine.Mls.Codec;
using SecureChat.Engine.Mls.Messages;

namespace SecureChat.Engine.Mls.Framing;

/// <summary>
/// PublicMessage protection (RFC 9420 section 6.2): signed content in the clear, and for a member sender a membership
/// tag, MAC(membership_key, AuthenticatedContentTBM = FramedContentTBS || FramedContentAuthData), proving the sender
/// holds this epoch's secrets. Application data is never sent this way, and a non-member sends only what its
/// sender type allows. On receipt the group, epoch, tag and
/// signature are checked before anything is returned. Stateless and thread-safe.
/// </summary>
internal static class PublicMessageProtection
{
    public static PublicMessage Protect(CipherSuite suite, AuthenticatedContent content, GroupContext context, ReadOnlySpan<byte> membershipKey)
    {
        if (content.WireFormat != WireFormat.PublicMessage)
        {
            throw new ArgumentException($"content authenticated for {content.WireFormat} cannot be sent as a PublicMessage", nameof(content));
        }

        if (!IsAllowed(content.Content.Sender.Type, content.Content.ContentType))
        {
            throw new InvalidOperationException(content.Content.ContentType == ContentType.Application
                ? "application data is sent only as a PrivateMessage (RFC 9420 section 6.2)"
                : $"a {content.Content.Sender.Type} sender cannot send {content.Content.ContentType} content (RFC 9420 section 6)");
        }

        byte[]? tag = content.Content.Sender.Type == SenderType.Member ? MembershipTag(suite, content, context, membershipKey) : null;
        return new PublicMessage(content.Content, content.Auth, tag);
    }

    /// <summary>
    /// Checks <paramref name="message"/> against this epoch: its group and epoch, that it carries no application data,
    /// a member's membership tag, and its signature under the key <paramref name="signatureKeyOf"/> gives for its
    /// content (null for an unknown sender). Nothing is returned unless every check passes.
    /// </summary>
    public static bool TryUnprotect(
        CipherSuite suite,
        PublicMessage message,
        GroupContext context,
        ReadOnlySpan<byte> membershipKey,
        Func<FramedContent, byte[]?> signatureKeyOf,
        [NotNullWhen(true)] out AuthenticatedContent? content,
        out UnprotectFailure failure)
    {
        content = null;
        FramedContent framed = message.Content;
        failure = !framed.GroupId.AsSpan().SequenceEqual(context.GroupId) ? UnprotectFailure.WrongGroup
            : framed.Epoch != context.Epoch ? UnprotectFailure.WrongEpoch
            : !IsAllowed(framed.Sender.Type, framed.ContentType) ? UnprotectFailure.NotAllowed
            : UnprotectFailure.None;
        if (failure != UnprotectFailure.None)
        {
            return false;
        }

        AuthenticatedContent candidate = new(WireFormat.PublicMessage, framed, message.Auth);
        if (framed.Sender.Type == SenderType.Member
            && !CryptographicOperations.FixedTimeEquals(MembershipTag(suite, candidate, context, membershipKey), message.MembershipTag))
        {
            failure = UnprotectFailure.BadMembershipTag;
            return false;
        }

        byte[]? signatureKey = signatureKeyOf(framed);
        if (signatureKey is null)
        {
            failure = UnprotectFailure.UnknownSender;
            return false;
        }

        if (!ContentSignature.Verify(suite, signatureKey, candidate, context))
        {
            failure = UnprotectFailure.BadSignature;
            return false;
        }

        content = candidate;
        return true;
    }

    /// <summary>
    /// What each sender may send in the clear (section 6): never application data; an external sender or a new member
    /// asking to be added only proposals; a new member joining by external commit only a commit.
    /// </summary>
    public static bool IsAllowed(SenderType sender, ContentType content) => sender switch
    {
        SenderType.Member => content != ContentType.Application,
        SenderType.NewMemberCommit => content == ContentType.Commit,
        _ => content == ContentType.Proposal,
    };

    /// <summary>MAC(membership_key, AuthenticatedContentTBM) for content sent as a PublicMessage.</summary>
    public static byte[] MembershipTag(CipherSuite suite, AuthenticatedContent content, GroupContext context, ReadOnlySpan<byte> membershipKey)
    {
        MlsWriter tbm = new();
        new FramedContentTbs(content.WireFormat, content.Content, context).Write(tbm);
        content.Auth.Write(tbm);
        return suite.Mac(membershipKey, tbm.ToArray());
    }
}
