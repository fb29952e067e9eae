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
