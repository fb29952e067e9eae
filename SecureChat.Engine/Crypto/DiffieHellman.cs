using System.Numerics;
using System.Security.Cryptography;

namespace SecureChat.Engine.Crypto;

/// <summary>
/// Finite-field Diffie-Hellman over the RFC 7919 groups (<see cref="DhGroup"/>): key generation (with the groups'
/// generator 2, or with a caller's secret generator in the prime-order subgroup, as CPace needs), public-value
/// validation and agreement, with fixed-length big-endian encodings. Stateless and thread-safe.
/// </summary>
/// <remarks>
/// <para>Validation is the RFC 7919 section 3/4 range check 1 &lt; Y &lt; p-1 at the exact encoded length, plus the full
/// SP 800-56A membership test in the prime-order subgroup, done cheaply as a Legendre symbol. The exponentiations
/// go through <see cref="ModularArithmetic"/> (OpenSSL's constant-time Montgomery exponentiation where available).</para>
/// <para>No secret becomes a <see cref="BigInteger"/> (immutable, so never wiped): exponents, generators and shared
/// secrets stay in pinned arrays (<see cref="SecretArray"/>) and every range check compares bytes.</para>
/// </remarks>
internal static class DiffieHellman
{
    private static readonly byte[] s_two = [2];

    /// <summary>
    /// Makes a fresh key pair: x uniform in [2, 2^ExponentBits) from <paramref name="random"/>, Y = 2^x mod p.
    /// </summary>
    public static DhKeyPair GenerateKeyPair(DhGroup group, IRandomSource random) => Generate(group, s_two, random);

    /// <summary>
    /// Makes a fresh key pair on the generator <paramref name="generator"/> (exactly ElementSize bytes, big-endian;
    /// for CPace a secret derived from the passphrase): x uniform in [2, 2^ExponentBits), Y = g^x mod p. The
    /// generator must pass <see cref="IsValidGenerator"/>; it is copied into a pinned buffer that is wiped before
    /// this returns, so the caller alone owns (and wipes) its own copy. Agree with <see cref="TryAgree"/> as usual.
    /// </summary>
    /// <exception cref="ArgumentException">The generator is not an element of order q (a caller bug).</exception>
    public static DhKeyPair GenerateKeyPair(DhGroup group, ReadOnlySpan<byte> generator, IRandomSource random)
    {
        if (!IsValidGenerator(group, generator))
        {
            throw new ArgumentException("the generator must be ElementSize bytes with 1 < g < p-1 in the subgroup of order q", nameof(generator));
        }

        byte[] g = SecretArray.Copy(generator);
        try
        {
            return Generate(group, g, random);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(g);
        }
    }

    /// <summary>
    /// True when <paramref name="generator"/> generates the subgroup of prime order q: the same test as for a
    /// public value (in that subgroup every element but 1 has order q). Compares bytes only, so a secret generator
    /// never becomes an unwipeable BigInteger.
    /// </summary>
    public static bool IsValidGenerator(DhGroup group, ReadOnlySpan<byte> generator) => IsValidPublicValue(group, generator);

    /// <summary>
    /// True when <paramref name="encoded"/> is exactly ElementSize bytes, 1 &lt; Y &lt; p-1 (RFC 7919 sections 3
    /// and 4), and Y lies in the subgroup of prime order q = (p-1)/2 (SP 800-56A r3 section 5.6.2.3.1).
    /// </summary>
    public static bool IsValidPublicValue(DhGroup group, ReadOnlySpan<byte> encoded) =>
        encoded.Length == group.ElementSize &&
        !IsAtMostOne(encoded) &&
        encoded.SequenceCompareTo(group.PMinusOneBytes) < 0 && // same length, big-endian: byte order is numeric order
        ModularArithmetic.IsQuadraticResidue(encoded, group);

    /// <summary>
    /// For a safe prime p = 2q + 1, Y^q = 1 (mod p) exactly when Y is a quadratic residue, i.e. when the Legendre
    /// symbol (Y/p) is 1. Computing the symbol with the Jacobi reciprocity algorithm costs about as much as a
    /// gcd, a small fraction of the full-size exponentiation Y^q, so the full subgroup check stays cheap.
    /// Rejecting non-residues (elements of order 2q) keeps a peer from learning the low bit of our exponent.
    /// This managed version is the fallback where libcrypto is missing (and the tests' reference).
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
    /// Computes Z = Y^x mod p into <paramref name="sharedSecret"/> (ElementSize bytes; give it a pinned buffer,
    /// <see cref="SecretArray"/>, and wipe it). Returns false, writing nothing useful, when the peer's value fails
    /// validation or Z is degenerate (1 or p-1).
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
        if (IsAtMostOne(sharedSecret) || sharedSecret.SequenceEqual(group.PMinusOneBytes))
        {
            sharedSecret.Clear();
            return false;
        }

        return true;
    }

    /// <summary>x from the random source until x ≥ 2 (checked on the bytes), then Y = g^x mod p.</summary>
    private static DhKeyPair Generate(DhGroup group, byte[] generator, IRandomSource random)
    {
        byte[] exponent = SecretArray.Allocate(group.ExponentBits / 8);
        try
        {
            do
            {
                random.Fill(exponent);
            }
            while (IsAtMostOne(exponent));

            byte[] publicValue = new byte[group.ElementSize];
            ModularArithmetic.ModPow(generator, exponent, group, publicValue);
            return new DhKeyPair(group, exponent, publicValue);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(exponent);
        }
    }

    /// <summary>True for the big-endian encodings of 0 and 1.</summary>
    private static bool IsAtMostOne(ReadOnlySpan<byte> value)
    {
        int last = value.Length - 1;
        return last < 0 || (value[..last].IndexOfAnyExcept((byte)0) < 0 && value[last] <= 1);
    }
}
