using System.Security.Cryptography;
using NSec.Cryptography;
using SecureChat.Engine.Crypto;

namespace SecureChat.Engine.Mls.Tree;

/// <summary>
/// Whether an HPKE public key a peer put in the ratchet tree can be encrypted to: 32 bytes that X25519 accepts and
/// that are not of low order (RFC 9180 section 7.1.4 refuses the all-zero shared secret such a key gives). A clamped
/// scalar is a multiple of the cofactor 8, so the probe's result is zero exactly for low-order points, whatever the
/// probe scalar; checking it when the key arrives keeps a planted key from making a later member's commit fail.
/// Thread-safe (stateless).
/// </summary>
internal static class EncryptionKeyCheck
{
    private static readonly byte[] s_probeScalar = SHA256.HashData("SecureChat MLS encryption key probe"u8);

    public static bool IsUsable(ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.Length != Hpke.PublicKeySize
            || !NSec.Cryptography.PublicKey.TryImport(KeyAgreementAlgorithm.X25519, publicKey, KeyBlobFormat.RawPublicKey, out NSec.Cryptography.PublicKey? peer))
        {
            return false;
        }

        using Key probe = Key.Import(KeyAgreementAlgorithm.X25519, s_probeScalar, KeyBlobFormat.RawPrivateKey);
        SharedSecretCreationParameters exportable = new() { ExportPolicy = KeyExportPolicies.AllowPlaintextExport };
        using SharedSecret? shared = KeyAgreementAlgorithm.X25519.Agree(probe, peer!, in exportable);
        if (shared is null)
        {
            return false;
        }

        byte[] result = shared.Export(SharedSecretBlobFormat.RawSharedSecret);
        return !CryptographicOperations.FixedTimeEquals(result, new byte[result.Length]);
    }
}
