using SecureChat.Engine.Mls.Codec;

namespace SecureChat.Engine.Mls.Messages;

/// <summary>
/// FramedContentAuthData (RFC 9420 section 6.1): the sender's signature over FramedContentTBS and, for a commit
/// only, the confirmation tag of the epoch it creates. Immutable; thread-safe.
/// </summary>
internal sealed record FramedContentAuthData(byte[] Signature, byte[]? ConfirmationTag)
{
    public void Write(MlsWriter w)
    {
        w.Opaque(Signature);
        if (ConfirmationTag is not null)
        {
            w.Opaque(ConfirmationTag);
        }
    }

    /// <summary>Reads the auth data of content of <paramref name="type"/> (a confirmation tag exactly for commits).</summary>
    public static FramedContentAuthData Read(ref MlsReader r, ContentType type) =>
        new(r.OpaqueArray(), type == ContentType.Commit ? r.OpaqueArray() : null);

    /// <summary>Throws when the confirmation tag's presence does not match the content type (a caller bug).</summary>
    public void CheckMatches(ContentType type)
    {
        if ((type == ContentType.Commit) != (ConfirmationTag is not null))
        {
            throw new ArgumentException("a confirmation tag is present exactly for commit content");
        }
    }
}
