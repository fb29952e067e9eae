using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace SecureChat.Engine.Crypto;

/// <summary>
/// SecureChat's key schedule (PROTOCOL.md, "Key schedule"). Stateless and thread-safe.
/// <list type="bullet">
/// <item>master = PBKDF2-HMAC-SHA256(P = Z, S = transcript hash, c = iterations, dkLen = 32) (RFC 8018 section
/// 5.2). The passphrase is not here: it shapes the generator of the Diffie-Hellman itself (<see cref="Cpace"/>).</item>
/// <item>every sub-key = HKDF-Expand-SHA256(PRK = master, info = "SecureChat v2 " + label, L) (RFC 5869 section 2.3);
/// the master is already a uniformly random 32-byte key, so no Extract step is needed.</item>
/// <item>after a rekey: master' = HKDF-Extract-SHA256(salt = chain key of the old keys, IKM = Z' || rekey transcript hash).</item>
/// <item>commitment = SHA-256("SecureChat v2 commit" || u16 group || Y || nonce) (PROTOCOL.md, "Commit").</item>
/// <item>Finished = HMAC-SHA256(finished key of the sender's role, transcript hash || what it confirms) (PROTOCOL.md, "ServerAuth and ClientAuth").</item>
/// <item>rekey transcript hash = SHA-256("SecureChat v2 rekey" || u8 initiator (1 client, 2 server) || N_i || Y_i || N_r || Y_r).</item>
/// </list>
/// </summary>
internal static class KeySchedule
{
    public const int MasterKeySize = 32;
    public const int FingerprintSize = 16;
    public const int SasSize = 8;

    /// <summary>The SAS is 12 decimal digits (about 40 bits): see PROTOCOL.md, "SAS", for why not fewer.</summary>
    public const ulong SasModulus = 1_000_000_000_000;

    /// <summary>The label prefix of every HKDF info string; the version is part of it so versions never share keys.</summary>
    public const string LabelPrefix = "SecureChat v2 ";

    public static readonly byte[] ClientToServerEncryptionLabel = Label("c2s encryption");
    public static readonly byte[] ClientToServerMacLabel = Label("c2s mac");
    public static readonly byte[] ServerToClientEncryptionLabel = Label("s2c encryption");
    public static readonly byte[] ServerToClientMacLabel = Label("s2c mac");
    public static readonly byte[] ClientFinishedLabel = Label("client finished");
    public static readonly byte[] ServerFinishedLabel = Label("server finished");
    public static readonly byte[] FingerprintLabel = Label("fingerprint");
    public static readonly byte[] SasLabel = Label("sas");
    public static readonly byte[] ChainLabel = Label("rekey chain");

    /// <summary>
    /// Runs PBKDF2 over the shared secret, salted with the transcript hash. Returns a pinned array
    /// (<see cref="SecretArray"/>) that the caller wipes.
    /// </summary>
    public static byte[] DeriveMaster(ReadOnlySpan<byte> sharedSecret, ReadOnlySpan<byte> transcriptHash, int iterations)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        byte[] master = SecretArray.Allocate(MasterKeySize);
        Rfc2898DeriveBytes.Pbkdf2(sharedSecret, transcriptHash, master, iterations, HashAlgorithmName.SHA256);
        return master;
    }

    /// <summary>
    /// The master key of the next epoch: HKDF-Extract(salt = old chain key, IKM = Z' || rekey transcript hash), in a
    /// pinned array the caller wipes.
    /// </summary>
    public static byte[] DeriveRekeyMaster(ReadOnlySpan<byte> chainKey, ReadOnlySpan<byte> sharedSecret, ReadOnlySpan<byte> rekeyTranscriptHash)
    {
        byte[] ikm = SecretArray.Allocate(sharedSecret.Length + rekeyTranscriptHash.Length);
        try
        {
            sharedSecret.CopyTo(ikm);
            rekeyTranscriptHash.CopyTo(ikm.AsSpan(sharedSecret.Length));
            byte[] master = SecretArray.Allocate(MasterKeySize);
            HKDF.Extract(HashAlgorithmName.SHA256, ikm, chainKey, master);
            return master;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ikm);
        }
    }

    /// <summary>SHA-256("SecureChat v2 commit" || u16 group || Y || nonce) into <paramref name="destination"/> (32 bytes).</summary>
    public static void ComputeCommitment(DhGroupId group, ReadOnlySpan<byte> publicValue, ReadOnlySpan<byte> nonce, Span<byte> destination)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(s_commitmentLabel);
        Span<byte> id = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(id, (ushort)group);
        hash.AppendData(id);
        hash.AppendData(publicValue);
        hash.AppendData(nonce);
        hash.GetHashAndReset(destination);
    }

    /// <summary>SHA-256("SecureChat v2 rekey" || u8 initiator (1 client, 2 server) || N_i || Y_i || N_r || Y_r).</summary>
    public static byte[] RekeyTranscriptHash(bool initiatorIsClient, ReadOnlySpan<byte> initiatorNonce, ReadOnlySpan<byte> initiatorPublic, ReadOnlySpan<byte> responderNonce, ReadOnlySpan<byte> responderPublic)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(s_rekeyLabel);
        hash.AppendData([initiatorIsClient ? (byte)1 : (byte)2]);
        hash.AppendData(initiatorNonce);
        hash.AppendData(initiatorPublic);
        hash.AppendData(responderNonce);
        hash.AppendData(responderPublic);
        return hash.GetHashAndReset();
    }

    /// <summary>The next epoch's keys from the old chain key, Z' and the rekey transcript hash.</summary>
    public static SessionKeys DeriveNextEpoch(ReadOnlySpan<byte> chainKey, ReadOnlySpan<byte> sharedSecret, ReadOnlySpan<byte> rekeyTranscriptHash)
    {
        byte[] master = DeriveRekeyMaster(chainKey, sharedSecret, rekeyTranscriptHash);
        try
        {
            return DeriveSessionKeys(master);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(master);
        }
    }

    /// <summary>Expands a master key into every sub-key. The caller keeps ownership of <paramref name="master"/>.</summary>
    public static SessionKeys DeriveSessionKeys(ReadOnlySpan<byte> master)
    {
        byte[] fingerprint = Expand(master, FingerprintLabel, FingerprintSize);
        byte[] sas = Expand(master, SasLabel, SasSize);
        try
        {
            return new SessionKeys(
                clientToServerEncryption: Expand(master, ClientToServerEncryptionLabel, 32),
                clientToServerMac: Expand(master, ClientToServerMacLabel, 32),
                serverToClientEncryption: Expand(master, ServerToClientEncryptionLabel, 32),
                serverToClientMac: Expand(master, ServerToClientMacLabel, 32),
                clientFinished: Expand(master, ClientFinishedLabel, 32),
                serverFinished: Expand(master, ServerFinishedLabel, 32),
                chain: Expand(master, ChainLabel, 32),
                fingerprint: FormatFingerprint(fingerprint),
                sas: FormatSas(sas));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(fingerprint);
            CryptographicOperations.ZeroMemory(sas);
        }
    }

    /// <summary>16 bytes as 8 groups of 4 upper-case hex digits: "1A2B 3C4D ...".</summary>
    public static string FormatFingerprint(ReadOnlySpan<byte> fingerprint)
    {
        string hex = Convert.ToHexString(fingerprint);
        var text = new StringBuilder(hex.Length + hex.Length / 4);
        for (int i = 0; i < hex.Length; i += 4)
        {
            if (i > 0)
            {
                text.Append(' ');
            }

            text.Append(hex, i, 4);
        }

        return text.ToString();
    }

    /// <summary>8 bytes read as a big-endian unsigned integer, modulo 10^12, as "123 456 789 012".</summary>
    public static string FormatSas(ReadOnlySpan<byte> sas)
    {
        ulong value = BinaryPrimitives.ReadUInt64BigEndian(sas) % SasModulus;
        string digits = value.ToString("D12", System.Globalization.CultureInfo.InvariantCulture);
        return string.Join(' ', digits[..3], digits[3..6], digits[6..9], digits[9..]);
    }

    /// <summary>One sub-key into a pinned array (every sub-key is a secret, even the fingerprint's before it is shown).</summary>
    private static byte[] Expand(ReadOnlySpan<byte> master, byte[] label, int length)
    {
        byte[] output = SecretArray.Allocate(length);
        HKDF.Expand(HashAlgorithmName.SHA256, master, output, label);
        return output;
    }

    private static readonly byte[] s_commitmentLabel = Encoding.ASCII.GetBytes("SecureChat v2 commit");
    private static readonly byte[] s_rekeyLabel = Encoding.ASCII.GetBytes("SecureChat v2 rekey");

    private static byte[] Label(string name) => Encoding.ASCII.GetBytes(LabelPrefix + name);
}
