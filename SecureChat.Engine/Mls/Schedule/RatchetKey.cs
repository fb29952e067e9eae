using System.Security.Cryptography;

namespace SecureChat.Engine.Mls.Schedule;

/// <summary>
/// The AEAD key and nonce of one generation of a hash ratchet (RFC 9420 section 9.1). The holder wipes them with
/// <see cref="Dispose"/> once the message is sealed or opened (section 9.2). Not thread-safe.
/// </summary>
internal sealed class RatchetKey(uint generation, byte[] key, byte[] nonce) : IDisposable
{
    public uint Generation { get; } = generation;

    public byte[] Key { get; } = key;

    public byte[] Nonce { get; } = nonce;

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(Key);
        CryptographicOperations.ZeroMemory(Nonce);
    }
}
