using SecureChat.Engine.Mls.Codec;

namespace SecureChat.Engine.Mls.Messages;

/// <summary>
/// Lifetime (RFC 9420 section 7.2): the validity of a key package's leaf, in seconds since the Unix epoch, both
/// bounds inclusive. Immutable; thread-safe.
/// </summary>
internal sealed record Lifetime(ulong NotBefore, ulong NotAfter)
{
    public bool Covers(ulong unixSeconds) => NotBefore <= unixSeconds && unixSeconds <= NotAfter;

    public void Write(MlsWriter w)
    {
        w.U64(NotBefore);
        w.U64(NotAfter);
    }

    public static Lifetime Read(ref MlsReader r) => new(r.U64(), r.U64());
}
