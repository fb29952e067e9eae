using System.Numerics;
using System.Security.Cryptography;

namespace SecureChat.Engine.Crypto;

/// <summary>
/// Finite-field Diffie-Hellman over the RFC 7919 groups (<see cref="DhGroup"/>): key generation,
/// public-value validation and agreement, with fixed-length big-endian encodings. Stateless and thread-safe.
/// </summary>
/// <remarks>
/// Validation is the RFC 7919 section 3/4 range check 1 &lt; Y &lt; p-1 at the exact encoded length. With a
/// safe prime the only small subgroup is {1, p-1}, which that check excludes; the full SP 800-56A check
/// Y^q = 1 (mod p) would add a full-size exponentiation per handshake and protect only one bit of an
/// ephemeral exponent that is discarded after use, so it is not done. <see cref="BigInteger.ModPow"/> is not
/// constant time; exponents are ephemeral (one per handshake or rekey), which limits what timing can reveal.
/// </remarks>
internal static class DiffieHellman
{
    /// <summary>
    /// Makes a fresh key pair: x uniform in [2, 2^ExponentBits) from <paramref name="random"/>, Y = 2^x mod p.
    /// </summary>
    public static DhKeyPair GenerateKeyPair(DhGroup group, IRandomSource random)
    {
        int exponentBytes = group.ExponentBits / 8;
        byte[] exponent = new byte[exponentBytes];
        BigInteger x;
        do
        {
            random.Fill(exponent);
            x = new BigInteger(exponent, isUnsigned: true, isBigEndian: true);
        }
        while (x < 2);

        byte[] publicValue = new byte[group.ElementSize];
        WriteFixed(BigInteger.ModPow(DhGroup.G, x, group.P), publicValue);
        return new DhKeyPair(group, exponent, publicValue);
    }

    /// <summary>True when <paramref name="encoded"/> is exactly ElementSize bytes and 1 &lt; Y &lt; p-1.</summary>
    public static bool IsValidPublicValue(DhGroup group, ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length != group.ElementSize)
        {
            return false;
        }

        var y = new BigInteger(encoded, isUnsigned: true, isBigEndian: true);
        return y > BigInteger.One && y < group.PMinusOne;
    }

    /// <summary>
    /// Computes Z = Y^x mod p into <paramref name="sharedSecret"/> (ElementSize bytes). Returns false, writing
    /// nothing useful, when the peer's value fails validation or Z is degenerate (1 or p-1).
    /// </summary>
    public static bool TryAgree(DhKeyPair own, ReadOnlySpan<byte> peerPublic, Span<byte> sharedSecret)
    {
        DhGroup group = own.Group;
        if (sharedSecret.Length != group.ElementSize)
        {
            throw new ArgumentException("destination must be exactly the group's element size", nameof(sharedSecret));
        }

        if (!IsValidPublicValue(group, peerPublic))
        {
            return false;
        }

        var y = new BigInteger(peerPublic, isUnsigned: true, isBigEndian: true);
        BigInteger z = BigInteger.ModPow(y, own.PrivateExponent, group.P);
        if (z <= BigInteger.One || z == group.PMinusOne)
        {
            return false;
        }

        WriteFixed(z, sharedSecret);
        return true;
    }

    private static void WriteFixed(BigInteger value, Span<byte> destination)
    {
        destination.Clear();
        int length = value.GetByteCount(isUnsigned: true);
        if (!value.TryWriteBytes(destination[(destination.Length - length)..], out _, isUnsigned: true, isBigEndian: true))
        {
            throw new CryptographicException("value does not fit the group's element size");
        }
    }
}
