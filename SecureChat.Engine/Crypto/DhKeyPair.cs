using System.Numerics;
using System.Security.Cryptography;

namespace SecureChat.Engine.Crypto;

/// <summary>
/// An ephemeral Diffie-Hellman key pair. The private exponent bytes are zeroed on <see cref="Dispose"/>;
/// the <see cref="BigInteger"/> made from them for ModPow is immutable managed memory that cannot be wiped,
/// which is why exponents are used once and dropped at once. Not thread-safe.
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

    internal BigInteger PrivateExponent
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return new BigInteger(_exponent, isUnsigned: true, isBigEndian: true);
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
