using System.Buffers.Binary;
using System.Security.Cryptography;

namespace SecureChat.Engine.Crypto;

/// <summary>
/// The safety number of two identities: 60 decimal digits in 12 groups of 5 that two people read to each other out of
/// band to check that each sees the other's identity, modelled on Signal's numeric fingerprint. Each identity digest
/// d (SHA-256 of an Ed25519 public key, <see cref="IdentityFingerprint"/>) gives 30 digits: h starts as
/// <c>u16 version 0 || d || "SecureChat safety number"</c>, then 5,200 times h = SHA-512(h || d) (FIPS 180-4); the
/// first 30 bytes of h as six 5-byte big-endian numbers, each modulo 100,000, printed as 5 digits. The two halves are
/// ordered by their digests (lower first, bytewise), so both people see the same number. The iterations make a search
/// for a look-alike identity cost 5,200 hashes per try; each half carries about 99.7 bits (6 x log2(10^5)).
/// Stateless and thread-safe.
/// </summary>
public static class SafetyNumber
{
    /// <summary>The version that opens every hash input (u16, big-endian).</summary>
    public const ushort Version = 0;

    /// <summary>How many times SHA-512 runs for each half.</summary>
    public const int Iterations = 5_200;

    /// <summary>Decimal digits of the whole number (without the spaces).</summary>
    public const int DigitCount = 60;

    /// <summary>Digits in each printed group.</summary>
    public const int GroupSize = 5;

    private const int ChunkSize = 5;
    private const int ChunksPerHalf = 6;
    private const int ChunkModulus = 100_000;
    private static readonly byte[] s_label = "SecureChat safety number"u8.ToArray();

    /// <summary>
    /// The safety number of two identity digests as 12 groups of 5 digits separated by single spaces; the same
    /// whichever order the digests come in.
    /// </summary>
    public static string Of(ReadOnlySpan<byte> digest, ReadOnlySpan<byte> otherDigest)
    {
        RequireDigest(digest, nameof(digest));
        RequireDigest(otherDigest, nameof(otherDigest));
        bool first = digest.SequenceCompareTo(otherDigest) <= 0;
        string low = Half(first ? digest : otherDigest);
        string high = Half(first ? otherDigest : digest);
        return Grouped(low + high);
    }

    /// <summary>The 30 digits one identity digest contributes (no spaces).</summary>
    public static string Half(ReadOnlySpan<byte> digest)
    {
        RequireDigest(digest, nameof(digest));
        Span<byte> input = stackalloc byte[SHA512.HashSizeInBytes + IdentityFingerprint.DigestSize];
        Span<byte> hash = stackalloc byte[SHA512.HashSizeInBytes];
        byte[] start = new byte[sizeof(ushort) + IdentityFingerprint.DigestSize + s_label.Length + IdentityFingerprint.DigestSize];
        BinaryPrimitives.WriteUInt16BigEndian(start, Version);
        digest.CopyTo(start.AsSpan(sizeof(ushort)));
        s_label.CopyTo(start.AsSpan(sizeof(ushort) + IdentityFingerprint.DigestSize));
        digest.CopyTo(start.AsSpan(start.Length - IdentityFingerprint.DigestSize));
        SHA512.HashData(start, hash);
        digest.CopyTo(input[SHA512.HashSizeInBytes..]);
        for (int i = 1; i < Iterations; i++)
        {
            hash.CopyTo(input);
            SHA512.HashData(input, hash);
        }

        return string.Create(ChunksPerHalf * GroupSize, hash[..(ChunksPerHalf * ChunkSize)].ToArray(), static (span, bytes) =>
        {
            for (int c = 0; c < ChunksPerHalf; c++)
            {
                ulong value = 0;
                for (int b = 0; b < ChunkSize; b++)
                {
                    value = (value << 8) | bytes[c * ChunkSize + b];
                }

                (value % ChunkModulus).TryFormat(span.Slice(c * GroupSize, GroupSize), out _, "D5", System.Globalization.CultureInfo.InvariantCulture);
            }
        });
    }

    private static string Grouped(string digits) =>
        string.Join(' ', Enumerable.Range(0, digits.Length / GroupSize).Select(g => digits.Substring(g * GroupSize, GroupSize)));

    private static void RequireDigest(ReadOnlySpan<byte> digest, string name)
    {
        if (digest.Length != IdentityFingerprint.DigestSize)
        {
            throw new ArgumentException($"must be {IdentityFingerprint.DigestSize} bytes, not {digest.Length}", name);
        }
    }
}
