namespace SecureChat.Engine.Crypto;

/// <summary>
/// A named finite-field Diffie-Hellman group. The numeric values are the TLS NamedGroup code points of
/// RFC 7919 (0x0100-0x0102) and are what goes on the wire.
/// </summary>
public enum DhGroupId : ushort
{
    Ffdhe2048 = 0x0100,
    Ffdhe3072 = 0x0101,
    Ffdhe4096 = 0x0102,
}
