using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace SecureChat.Engine.Crypto;

/// <summary>
/// The passphrase as a PAKE (PROTOCOL.md, "Passphrase: CPace"), after draft-irtf-cfrg-cpace on a multiplicative
/// group: the Diffie-Hellman of a passphrase session runs on a generator derived from the passphrase and both hello
/// nonces, g = H(passphrase, group, N_hc, N_hs)^2 mod p, instead of 2. A party that does not know the passphrase
/// computes a different generator, and the shared secret it ends with is unrelated to the other side's, so each
/// guess costs one live handshake: nothing on the wire, nor a peer's key confirmation, lets anyone test guesses
/// offline. Stateless and thread-safe. The generator is as secret as the passphrase: callers wipe it.
/// </summary>
internal static class Cpace
{
    private static readonly byte[] s_extractSalt = Encoding.ASCII.GetBytes("SecureChat v2 CPace");
    private static readonly byte[] s_expandLabel = Encoding.ASCII.GetBytes("SecureChat v2 CPace generator");

    /// <summary>Bytes drawn beyond the size of p, so reducing them modulo p leaves a bias below 2^-256.</summary>
    public const int ExtraBytes = 32;

    /// <summary>
    /// g = h^2 mod p with h = HKDF-Expand(HKDF-Extract(salt = "SecureChat v2 CPace", IKM = passphrase),
    /// info = "SecureChat v2 CPace generator" || u16 group || N_hc || N_hs, L = len(p) + 32) read as a big-endian
    /// integer. Squaring puts g in the subgroup of prime order q. Returns false (nothing written) when g is 0, 1 or
    /// p-1 (<see cref="DiffieHellman.IsValidGenerator"/>), which happens with negligible probability; the handshake
    /// then fails. Key pairs on g come from <see cref="DiffieHellman.GenerateKeyPair(DhGroup, ReadOnlySpan{byte}, IRandomSource)"/>.
    /// </summary>
    public static bool TryDeriveGenerator(
        ReadOnlySpan<byte> passphrase, DhGroup group, ReadOnlySpan<byte> clientNonce, ReadOnlySpan<byte> serverNonce, Span<byte> generator)
    {
        if (generator.Length != group.ElementSize)
        {
            throw new ArgumentException("the generator is exactly the group's element size", nameof(generator));
        }

        byte[] prk = SecretArray.Allocate(32);
        byte[] info = new byte[s_expandLabel.Length + 2 + clientNonce.Length + serverNonce.Length];
        byte[] h = SecretArray.Allocate(group.ElementSize + ExtraBytes);
        try
        {
            HKDF.Extract(HashAlgorithmName.SHA256, passphrase, s_extractSalt, prk);
            s_expandLabel.CopyTo(info, 0);
            BinaryPrimitives.WriteUInt16BigEndian(info.AsSpan(s_expandLabel.Length), (ushort)group.Id);
            clientNonce.CopyTo(info.AsSpan(s_expandLabel.Length + 2));
            serverNonce.CopyTo(info.AsSpan(s_expandLabel.Length + 2 + clientNonce.Length));
            HKDF.Expand(HashAlgorithmName.SHA256, prk, h, info);
            ModularArithmetic.ModPow(h, [2], group, generator);
            if (!DiffieHellman.IsValidGenerator(group, generator))
            {
                generator.Clear();
                return false;
            }

            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(prk);
            CryptographicOperations.ZeroMemory(h);
        }
    }
}
