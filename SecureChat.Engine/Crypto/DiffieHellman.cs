using System.Numerics;
using System.Security.Cryptography;

namespace SecureChat.Engine.Crypto;

/// <summary>
/// Finite-field Diffie-Hellman over the RFC 7919 groups (<see cref="DhGroup"/>): key generation,
/// public-value validation and agreement, with fixed-length big-endian encodings. Stateless and thread-safe.
/// </summary>
/// <remarks>
/// Validation is the RFC 7919 section 3/4 range check 1 &lt; Y &lt; p-1 at the exact encoded length, plus the full
/// SP 800-56A membership test in the prime-order subgroup, done cheaply as a Legendre symbol. The exponentiations
/// go through <see cref="ModularArithmetic"/> (OpenSSL's constant-time Montgomery exponentiation where available).
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
        ModularArithmetic.ModPow([2], exponent, group, publicValue);
        return new DhKeyPair(group, exponent, publicValue);
    }

    /// <summary>
    /// True when <paramref name="encoded"/> is exactly ElementSize bytes, 1 &lt; Y &lt; p-1 (RFC 7919 sections 3
    /// and 4), and Y lies in the subgroup of prime order q = (p-1)/2 (SP 800-56A r3 section 5.6.2.3.1).
    /// </summary>
    public static bool IsValidPublicValue(DhGroup group, ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length != group.ElementSize)
        {
            return false;
        }

        var y = new BigInteger(encoded, isUnsigned: true, isBigEndian: true);
        return y > BigInteger.One && y < group.PMinusOne && ModularArithmetic.IsQuadraticResidue(encoded, group);
    }

    /// <summary>
    /// For a safe prime p = 2q + 1, Y^q = 1 (mod p) exactly when Y is a quadratic residue, i.e. when the Legendre
    /// symbol (Y/p) is 1. Computing the symbol with the Jacobi reciprocity algorithm costs about as much as a
    /// gcd, a small fraction of the full-size exponentiation Y^q, so the full subgroup check stays cheap.
    /// Rejecting non-residues (elements of order 2q) keeps a peer from learning the low bit of our exponent.
    /// </summary>
    internal static bool IsQuadraticResidue(BigInteger value, BigInteger oddPrime)
    {
        BigInteger a = BigInteger.Remainder(value, oddPrime);
        BigInteger n = oddPrime;
        int result = 1;
        while (!a.IsZero)
        {
            int shifts = (int)BigInteger.TrailingZeroCount(a);
            a >>= shifts;

            int nMod8 = (int)(n & 7);
            if ((shifts & 1) == 1 && (nMod8 == 3 || nMod8 == 5))
            {
                result = -result;
            }

            (a, n) = (n, a);
            if ((int)(a & 3) == 3 && (int)(n & 3) == 3)
            {
                result = -result;
            }

            a = BigInteger.Remainder(a, n);
        }

        return n.IsOne && result == 1;
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

        ModularArithmetic.ModPow(peerPublic, own.PrivateExponent, group, sharedSecret);

        // Degenerate secrets (0, 1, p-1) are compared as bytes, so Z never becomes an unwipeable BigInteger.
        int last = sharedSecret.Length - 1;
        bool small = sharedSecret[..last].IndexOfAnyExcept((byte)0) < 0 && sharedSecret[last] <= 1;
        if (small || sharedSecret.SequenceEqual(group.PMinusOneBytes))
        {
            sharedSecret.Clear();
            return false;
        }

        return true;
    }
}
