using SecureChat.Engine.Mls.Codec;

namespace SecureChat.Engine.Mls.Messages;

/// <summary>
/// Welcome (RFC 9420 section 12.4.3.1): the cipher suite, each joiner's sealed GroupSecrets, and the GroupInfo
/// encrypted under a key derived from the welcome secret. Immutable; thread-safe.
/// </summary>
internal sealed record Welcome(ushort CipherSuite, IReadOnlyList<EncryptedGroupSecrets> Secrets, byte[] EncryptedGroupInfo)
{
    public void Write(MlsWriter w)
    {
        w.U16(CipherSuite);
        w.Vector(Secrets, static (w, s) => s.Write(w));
        w.Opaque(EncryptedGroupInfo);
    }

    public static Welcome Read(ref MlsReader r) =>
        new(r.U16(), r.VectorOf(EncryptedGroupSecrets.Read), r.OpaqueArray());

    public byte[] Encode() => MlsWriter.Encode(Write);

    public static Welcome Decode(ReadOnlySpan<byte> bytes)
    {
        MlsReader r = new(bytes);
        Welcome value = Read(ref r);
        r.ExpectEnd();
        return value;
    }
}
