using SecureChat.Engine.Mls.Codec;

namespace SecureChat.Engine.Mls.Messages;

/// <summary>
/// EncryptedGroupSecrets (RFC 9420 section 12.4.3.1): one joiner's GroupSecrets, sealed to the init key of the key
/// package whose reference is <see cref="NewMember"/>. Immutable; thread-safe.
/// </summary>
internal sealed record EncryptedGroupSecrets(byte[] NewMember, HpkeCiphertext EncryptedGroupSecretsCiphertext)
{
    public void Write(MlsWriter w)
    {
        w.Opaque(NewMember);
        EncryptedGroupSecretsCiphertext.Write(w);
    }

    public static EncryptedGroupSecrets Read(ref MlsReader r) => new(r.OpaqueArray(), HpkeCiphertext.Read(ref r));
}
