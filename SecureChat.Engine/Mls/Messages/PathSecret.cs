using SecureChat.Engine.Mls.Codec;

namespace SecureChat.Engine.Mls.Messages;

/// <summary>
/// PathSecret (RFC 9420 section 12.4.3.1): the path secret a joiner shares with the committer, at their lowest
/// common ancestor. Secret: the owner wipes <see cref="Secret"/> once used. Not thread-safe.
/// </summary>
internal sealed record PathSecret(byte[] Secret)
{
    public void Write(MlsWriter w) => w.Opaque(Secret);

    public static PathSecret Read(ref MlsReader r) => new(r.OpaqueArray());
}
