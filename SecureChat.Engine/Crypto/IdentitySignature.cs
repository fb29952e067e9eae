using NSec.Cryptography;

namespace SecureChat.Engine.Crypto;

/// <summary>
/// A long-term identity that can sign (Ed25519, RFC 8032): what a handshake needs of it. The persistent
/// implementation lives in <c>Identity/</c>; <see cref="EphemeralSigner"/> is a throwaway one.
/// </summary>
public interface ISigner
{
    /// <summary>The 32-byte Ed25519 public key.</summary>
    byte[] PublicKey { get; }

    /// <summary>The 64-byte Ed25519 signature of <paramref name="data"/>.</summary>
    byte[] Sign(ReadOnlySpan<byte> data);
}

/// <summary>Ed25519 verification of a peer's signature; never throws on peer input. Stateless and thread-safe.</summary>
internal static class IdentitySignature
{
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != 32 || signature.Length != 64 ||
            !NSec.Cryptography.PublicKey.TryImport(SignatureAlgorithm.Ed25519, publicKey, KeyBlobFormat.RawPublicKey, out NSec.Cryptography.PublicKey? key))
        {
            return false;
        }

        return SignatureAlgorithm.Ed25519.Verify(key!, data, signature);
    }
}

/// <summary>How people and records name an identity: SHA-256 of its public key, shown as its first 16 bytes.</summary>
public static class IdentityDigest
{
    public const int Size = 32;

    /// <summary>SHA-256 of the 32-byte public key.</summary>
    public static byte[] Compute(ReadOnlySpan<byte> publicKey) => System.Security.Cryptography.SHA256.HashData(publicKey);

    /// <summary>The digest's first 16 bytes as 8 groups of 4 upper-case hex digits, as key fingerprints are shown.</summary>
    public static string Fingerprint(ReadOnlySpan<byte> publicKey) => FormatDigest(Compute(publicKey));

    /// <summary>The display form of a digest received on the wire (its first 16 bytes).</summary>
    public static string FormatDigest(ReadOnlySpan<byte> digest) => KeySchedule.FormatFingerprint(digest[..16]);
}

/// <summary>An identity that lives only in memory (tests, benchmarks, and anything that must not persist one).</summary>
public sealed class EphemeralSigner : ISigner, IDisposable
{
    private readonly Key _key = Key.Create(SignatureAlgorithm.Ed25519);

    public EphemeralSigner() => PublicKey = _key.PublicKey.Export(KeyBlobFormat.RawPublicKey);

    public byte[] PublicKey { get; }

    public byte[] Sign(ReadOnlySpan<byte> data) => SignatureAlgorithm.Ed25519.Sign(_key, data);

    public void Dispose() => _key.Dispose();
}
