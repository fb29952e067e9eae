using SecureChat.Engine.Mls.Messages;

namespace SecureChat.Engine.Mls.Framing;

/// <summary>
/// The signature of framed content (RFC 9420 section 6.1): SignWithLabel(., "FramedContentTBS", FramedContentTBS),
/// where FramedContentTBS binds the wire format, the content and, for member and new_member_commit senders, the
/// epoch's group context. Stateless and thread-safe.
/// </summary>
internal static class ContentSignature
{
    public static byte[] Sign(CipherSuite suite, ReadOnlySpan<byte> signaturePrivateKey, WireFormat wireFormat, FramedContent content, GroupContext context) =>
        suite.SignWithLabel(signaturePrivateKey, FramedContentTbs.SignatureLabel, new FramedContentTbs(wireFormat, content, context).Encode());

    public static bool Verify(CipherSuite suite, ReadOnlySpan<byte> signaturePublicKey, AuthenticatedContent content, GroupContext context) =>
        suite.VerifyWithLabel(
            signaturePublicKey,
            FramedContentTbs.SignatureLabel,
            new FramedContentTbs(content.WireFormat, content.Content, context).Encode(),
            content.Auth.Signature);

    /// <summary>
    /// Signs <paramref name="content"/> as it will be sent in <paramref name="wireFormat"/>; a commit's confirmation
    /// tag (computed by the caller over the transcript that includes this signature) is added by
    /// <paramref name="confirmationTagOf"/>, which receives the signature.
    /// </summary>
    public static AuthenticatedContent Authenticate(
        CipherSuite suite,
        ReadOnlySpan<byte> signaturePrivateKey,
        WireFormat wireFormat,
        FramedContent content,
        GroupContext context,
        Func<byte[], byte[]>? confirmationTagOf = null)
    {
        if (content.ContentType == ContentType.Commit && confirmationTagOf is null)
        {
            throw new ArgumentNullException(nameof(confirmationTagOf), "a commit carries a confirmation tag");
        }

        byte[] signature = Sign(suite, signaturePrivateKey, wireFormat, content, context);
        byte[]? tag = content.ContentType == ContentType.Commit ? confirmationTagOf!(signature) : null;
        return new AuthenticatedContent(wireFormat, content, new FramedContentAuthData(signature, tag));
    }
}
