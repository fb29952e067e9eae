using System.Security.Cryptography;

namespace SecureChat.Engine.Crypto;

/// <summary>
/// How an identity (an Ed25519 public key, RFC 8032 section 5.1.5, 32 bytes) is named to people and in records.
/// The identity digest is SHA-256 of the 32-byte public key (FIPS 180-4); relayed records carry it whole. The
/// fingerprint people compare is its first 16 bytes as 32 upper-case hex digits in 8 groups of 4, for example
/// <c>9A1B 7BCF E177 9C43 2E52 F464 B786 D4C3</c>: 128 bits, so finding another key with the same fingerprint takes
/// about 2^128 work. Stateless and thread-safe.
/// </summary>
public static class IdentityFingerprint
{
    public const int PublicKeySize = 32;
    public const int DigestSize = 32;

    /// <summary>How many leading bytes of the digest the displayed fingerprint shows.</summary>
    public const int DisplaySize = 16;

    /// <summary>SHA-256 of the public key.</summary>
    public static byte[] IdentityDigest(ReadOnlySpan<byte> publicKey)
    {
        RequireSize(publicKey, PublicKeySize, nameof(publicKey));
        return SHA256.HashData(publicKey);
    }

    /// <summary>The display fingerprint of a public key.</summary>
    public static string Of(ReadOnlySpan<byte> publicKey)
    {
        RequireSize(publicKey, PublicKeySize, nameof(publicKey));
        Span<byte> digest = stackalloc byte[DigestSize];
        SHA256.HashData(publicKey, digest);
        return FromDigest(digest);
    }

    /// <summary>The display fingerprint from an identity digest (as a relayed record carries it).</summary>
    public static string FromDigest(ReadOnlySpan<byte> digest)
    {
        RequireSize(digest, DigestSize, nameof(digest));
        string hex = Convert.ToHexString(digest[..DisplaySize]);
        return string.Create(DisplaySize * 2 + DisplaySize / 2 - 1, hex, static (span, hex) =>
        {
            int o = 0;
            for (int i = 0; i < hex.Length; i++)
            {
                if (i > 0 && i % 4 == 0)
                {
                    span[o++] = ' ';
                }

                span[o++] = hex[i];
            }
        });
    }

    private static void RequireSize(ReadOnlySpan<byte> value, int size, string name)
    {
        if (value.Length != size)
        {
            throw new ArgumentException($"must be {size} bytes, not {value.Length}", name);
        }
    }
}
