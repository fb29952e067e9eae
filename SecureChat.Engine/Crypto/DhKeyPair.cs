using System.Security.Cryptography;

namespace SecureChat.Engine.Crypto;

/// <summary>
/// An ephemeral Diffie-Hellman key pair. The private exponent lives in a pinned array (<see cref="SecretArray"/>:
/// the garbage collector never copies it) that <see cref="Dispose"/> zeroes; the exponentiation copies it only into
/// pinned scratch arrays and libcrypto BIGNUMs, both wiped after use. Every owner disposes its pair: the handshake
/// states, the key-pair and rekey jobs, and whatever drops an unused precomputed pair. Not thread-safe.
/// </summary>
internal sealed class DhKeyPair : IDisposable
{
    private readonly byte[] _exponent;
    private bool _disposed;

    /// <summary>Copies <paramref name="exponent"/> (big-endian) into a pinned array; the caller wipes its own copy.</summary>
    public DhKeyPair(DhGroup group, ReadOnlySpan<byte> exponent, byte[] publicValue)
    {
        Group = group;
        _exponent = SecretArray.Copy(exponent);
        PublicValue = publicValue;
    }

    public DhGroup Group { get; }

    /// <summary>Y = g^x mod p, big-endian, exactly <see cref="DhGroup.ElementSize"/> bytes.</summary>
    public byte[] PublicValue { get; }

    /// <summary>The private exponent x, big-endian. Valid until <see cref="Dispose"/>.</summary>
    internal ReadOnlySpan<byte> PrivateExponent
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _exponent;
        }
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            CryptographicOperations.ZeroMemory(_exponent);
            _disposed = true;
        }
    }
}
