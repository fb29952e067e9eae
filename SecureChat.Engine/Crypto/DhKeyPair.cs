using System.Security.Cryptography;

namespace SecureChat.Engine.Crypto;

/// <summary>
/// An ephemeral Diffie-Hellman key pair. The private exponent bytes are zeroed on <see cref="Dispose"/> (the
/// exponentiation copies them into libcrypto BIGNUMs that it clears, never into an immutable BigInteger unless
/// libcrypto is unavailable). Not thread-safe.
/// </summary>
internal sealed class DhKeyPair : IDisposable
{
    private readonly byte[] _exponent;

    public DhKeyPair(DhGroup group, byte[] exponent, byte[] publicValue)
    {
        Group = group;
        _exponent = exponent;
        PublicValue = publicValue;
    }

    public DhGroup Group { get; }

    /// <summary>Y = 2^x mod p, big-endian, exactly <see cref="DhGroup.ElementSize"/> bytes.</summary>
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

    private bool _disposed;

    public void Dispose()
    {
        if (!_disposed)
        {
            CryptographicOperations.ZeroMemory(_exponent);
            _disposed = true;
        }
    }
}
