using NSec.Cryptography;

namespace SecureChat.Engine.Crypto;

/// <summary>
/// Checks an identity's signature: Ed25519 (RFC 8032 section 5.1.7, pure Ed25519 without context, through
/// NSec/libsodium). What a handshake needs to verify a peer's proof, without the identity store that keeps this
/// side's own key on disk. Stateless and thread-safe; never throws on peer input.
/// </summary>
public static class IdentitySignature
{
    public const int PublicKeySize = 32;
    public const int SignatureSize = 64;

    private static readonly SignatureAlgorithm s_algorithm = SignatureAlgorithm.Ed25519;

    /// <summary>
    /// True when <paramref name="signature"/> is a valid Ed25519 signature of <paramref name="data"/> under
    /// <paramref name="publicKey"/>. False, never an exception, for a key or signature of the wrong length or a key
    /// that is not a valid point: both come from the peer.
    /// </summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != PublicKeySize || signature.Length != SignatureSize
            || !PublicKey.TryImport(s_algorithm, publicKey, KeyBlobFormat.RawPublicKey, out PublicKey? key)
            || key is null)
        {
            return false;
        }

        return s_algorithm.Verify(key, data, signature);
    }
}
