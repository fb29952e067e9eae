using SecureChat.Engine.Mls.Codec;

namespace SecureChat.Engine.Mls.Messages;

/// <summary>
/// HPKECiphertext (RFC 9420 section 7.6): an HPKE encapsulated key and the sealed bytes (EncryptWithLabel, section
/// 5.1.3). Immutable; thread-safe.
/// </summary>
internal sealed record HpkeCiphertext(byte[] KemOutput, byte[] Ciphertext)
{
    public void Write(MlsWriter w)
    {
        w.Opaque(KemOutput);
        w.Opaque(Ciphertext);
    }

    public static HpkeCiphertext Read(ref MlsReader r) => new(r.OpaqueArray(), r.OpaqueArray());
}
