using System.Security.Cryptography;
using System.Text;

namespace SecureChat.Engine.Crypto;

/// <summary>
/// Hybrid Public Key Encryption, RFC 9180, in base mode (mode_base = 0x00, section 5.1.1) for one suite:
/// DHKEM(X25519, HKDF-SHA256) (kem_id 0x0020, section 4.1 and 7.1), HKDF-SHA256 (kdf_id 0x0001) and AES-128-GCM
/// (aead_id 0x0001). X25519 comes from libsodium (<see cref="LibsodiumX25519"/>), HKDF and AES-GCM from the BCL; the
/// labeled derivations (section 4), DeriveKeyPair (section 7.1.3), the key schedule (section 5.1), the nonce sequence
/// (section 5.2) and the secret export (section 5.3) are written here. An all-zero X25519 result is refused (section 7.1.4). Stateless and
/// thread-safe; a <see cref="HpkeContext"/> it returns is not.
/// </summary>
internal static class Hpke
{
    public const ushort KemId = 0x0020;
    public const ushort KdfId = 0x0001;
    public const ushort AeadId = 0x0001;

    /// <summary>Nsecret, Nenc, Npk, Nsk of DHKEM(X25519, HKDF-SHA256) (section 7.1).</summary>
    public const int SharedSecretSize = 32;
    public const int EncSize = 32;
    public const int PublicKeySize = 32;
    public const int PrivateKeySize = 32;

    /// <summary>Nk, Nn, Nt of AES-128-GCM and Nh of HKDF-SHA256 (section 7.2, 7.3).</summary>
    public const int KeySize = 16;
    public const int NonceSize = 12;
    public const int TagSize = 16;
    public const int HashSize = 32;

    private const byte ModeBase = 0x00;
    private static readonly byte[] s_version = "HPKE-v1"u8.ToArray();
    private static readonly byte[] s_kemSuiteId = [(byte)'K', (byte)'E', (byte)'M', 0x00, 0x20];
    private static readonly byte[] s_probeScalar = SHA256.HashData("SecureChat MLS encryption key probe"u8);
    private static readonly byte[] s_zeroSalt = new byte[HashSize];
    private static readonly byte[] s_hpkeSuiteId = [(byte)'H', (byte)'P', (byte)'K', (byte)'E', 0x00, 0x20, 0x00, 0x01, 0x00, 0x01];

    /// <summary>Single-shot SealBase (section 6.1): the encapsulated key and the ciphertext.</summary>
    public static (byte[] Enc, byte[] Ciphertext) SealBase(ReadOnlySpan<byte> recipientPublicKey, ReadOnlySpan<byte> info, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> plaintext)
    {
        (byte[] enc, HpkeContext context) = SetupBaseS(recipientPublicKey, info);
        using (context)
        {
            return (enc, context.Seal(aad, plaintext));
        }
    }

    /// <summary>Single-shot OpenBase (section 6.1): false when the encapsulated key or the ciphertext does not open.</summary>
    public static bool TryOpenBase(ReadOnlySpan<byte> enc, ReadOnlySpan<byte> recipientPrivateKey, ReadOnlySpan<byte> info, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> ciphertext, out byte[] plaintext)
    {
        plaintext = [];
        if (!TrySetupBaseR(enc, recipientPrivateKey, info, out HpkeContext? context))
        {
            return false;
        }

        using (context)
        {
            return context.TryOpen(aad, ciphertext, out plaintext);
        }
    }

    /// <summary>SetupBaseS (section 5.1.1) with a fresh ephemeral key.</summary>
    public static (byte[] Enc, HpkeContext Context) SetupBaseS(ReadOnlySpan<byte> recipientPublicKey, ReadOnlySpan<byte> info)
    {
        byte[] ikm = RandomNumberGenerator.GetBytes(PrivateKeySize);
        try
        {
            return SetupBaseSWithEphemeralIkm(recipientPublicKey, info, ikm);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ikm);
        }
    }

    /// <summary>SetupBaseS whose ephemeral key pair is DeriveKeyPair(<paramref name="ephemeralIkm"/>): for published vectors only.</summary>
    internal static (byte[] Enc, HpkeContext Context) SetupBaseSWithEphemeralIkm(ReadOnlySpan<byte> recipientPublicKey, ReadOnlySpan<byte> info, ReadOnlySpan<byte> ephemeralIkm)
    {
        byte[] skE = DerivePrivateKey(ephemeralIkm);
        try
        {
            byte[] pkE = LibsodiumX25519.PublicKeyOf(skE);
            byte[] sharedSecret = Encap(recipientPublicKey, skE, pkE);
            try
            {
                return (pkE, KeySchedule(sharedSecret, info));
            }
            finally
            {
                CryptographicOperations.ZeroMemory(sharedSecret);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(skE);
        }
    }

    /// <summary>SetupBaseR (section 5.1.1): false when <paramref name="enc"/> is not a usable X25519 public key.</summary>
    public static bool TrySetupBaseR(ReadOnlySpan<byte> enc, ReadOnlySpan<byte> recipientPrivateKey, ReadOnlySpan<byte> info, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out HpkeContext? context)
    {
        context = null;
        if (!TryDecap(enc, recipientPrivateKey, out byte[] sharedSecret))
        {
            return false;
        }

        try
        {
            context = KeySchedule(sharedSecret, info);
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sharedSecret);
        }
    }

    /// <summary>DeriveKeyPair for X25519 (section 7.1.3): sk = LabeledExpand(LabeledExtract("", "dkp_prk", ikm), "sk", "", 32).</summary>
    public static (byte[] PrivateKey, byte[] PublicKey) DeriveKeyPair(ReadOnlySpan<byte> ikm)
    {
        byte[] sk = DerivePrivateKey(ikm);
        return (sk, PublicKeyOf(sk));
    }

    private static byte[] DerivePrivateKey(ReadOnlySpan<byte> ikm)
    {
        byte[] prk = LabeledExtract(s_kemSuiteId, [], "dkp_prk", ikm);
        try
        {
            return LabeledExpand(s_kemSuiteId, prk, "sk", [], PrivateKeySize);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(prk);
        }
    }

    /// <summary>The X25519 public key of a private key (any 32 bytes are a valid private key; X25519 clamps at use).</summary>
    public static byte[] PublicKeyOf(ReadOnlySpan<byte> privateKey)
    {
        RequirePrivateKey(privateKey);
        return LibsodiumX25519.PublicKeyOf(privateKey);
    }

    /// <summary>Encap (section 4.1) with a given ephemeral pair: the shared secret; enc is the ephemeral public key.</summary>
    internal static byte[] Encap(ReadOnlySpan<byte> recipientPublicKey, ReadOnlySpan<byte> ephemeralPrivateKey, ReadOnlySpan<byte> ephemeralPublicKey)
    {
        RequirePrivateKey(ephemeralPrivateKey);
        if (!TryDh(ephemeralPrivateKey, recipientPublicKey, out byte[] dh))
        {
            throw new ArgumentException("the recipient's HPKE public key is not a usable X25519 key", nameof(recipientPublicKey));
        }

        return ExtractAndExpand(dh, ephemeralPublicKey, recipientPublicKey);
    }

    /// <summary>Decap (section 4.1): false for a malformed enc or an all-zero Diffie-Hellman result.</summary>
    internal static bool TryDecap(ReadOnlySpan<byte> enc, ReadOnlySpan<byte> recipientPrivateKey, out byte[] sharedSecret)
    {
        sharedSecret = [];
        RequirePrivateKey(recipientPrivateKey);
        if (!TryDh(recipientPrivateKey, enc, out byte[] dh))
        {
            return false;
        }

        byte[] pkR = LibsodiumX25519.PublicKeyOf(recipientPrivateKey);
        sharedSecret = ExtractAndExpand(dh, enc, pkR);
        return true;
    }

    /// <summary>KeySchedule (section 5.1) in base mode: empty psk and psk_id.</summary>
    internal static HpkeContext KeySchedule(ReadOnlySpan<byte> sharedSecret, ReadOnlySpan<byte> info)
    {
        byte[] context = KeyScheduleContext(info);
        byte[] secret = LabeledExtract(s_hpkeSuiteId, sharedSecret, "secret", []);
        try
        {
            byte[] key = LabeledExpand(s_hpkeSuiteId, secret, "key", context, KeySize);
            byte[] baseNonce = LabeledExpand(s_hpkeSuiteId, secret, "base_nonce", context, NonceSize);
            byte[] exporterSecret = LabeledExpand(s_hpkeSuiteId, secret, "exp", context, HashSize);
            return new HpkeContext(key, baseNonce, exporterSecret);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>key_schedule_context = mode || LabeledExtract("", "psk_id_hash", "") || LabeledExtract("", "info_hash", info).</summary>
    internal static byte[] KeyScheduleContext(ReadOnlySpan<byte> info)
    {
        byte[] pskIdHash = LabeledExtract(s_hpkeSuiteId, [], "psk_id_hash", []);
        byte[] infoHash = LabeledExtract(s_hpkeSuiteId, [], "info_hash", info);
        return [ModeBase, .. pskIdHash, .. infoHash];
    }

    /// <summary>Export (section 5.3): LabeledExpand(exporter_secret, "sec", exporter_context, L).</summary>
    internal static byte[] Export(ReadOnlySpan<byte> exporterSecret, ReadOnlySpan<byte> exporterContext, int length) =>
        LabeledExpand(s_hpkeSuiteId, exporterSecret, "sec", exporterContext, length);

    private static byte[] ExtractAndExpand(byte[] dh, ReadOnlySpan<byte> enc, ReadOnlySpan<byte> pkR)
    {
        byte[] prk = LabeledExtract(s_kemSuiteId, [], "eae_prk", dh);
        try
        {
            byte[] kemContext = [.. enc, .. pkR];
            return LabeledExpand(s_kemSuiteId, prk, "shared_secret", kemContext, SharedSecretSize);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(prk);
            CryptographicOperations.ZeroMemory(dh);
        }
    }

    /// <summary>
    /// Whether a public key from a peer can be encrypted to: 32 bytes that X25519 accepts and not of low order (section
    /// 7.1.4 refuses the all-zero shared secret such a key gives). A clamped scalar is a multiple of the cofactor 8, so
    /// a fixed probe's result is zero exactly for the low-order points; checking a key when it arrives keeps a planted
    /// key from making a later encryption to it fail.
    /// </summary>
    public static bool IsUsablePublicKey(ReadOnlySpan<byte> publicKey)
    {
        if (!TryDh(s_probeScalar, publicKey, out byte[] dh))
        {
            return false;
        }

        CryptographicOperations.ZeroMemory(dh);
        return true;
    }

    private static bool TryDh(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> publicKey, out byte[] dh)
    {
        dh = [];
        if (publicKey.Length != PublicKeySize || !LibsodiumX25519.TryAgree(privateKey, publicKey, out dh))
        {
            return false;
        }

        if (CryptographicOperations.FixedTimeEquals(dh, new byte[dh.Length]))
        {
            // Section 7.1.4: a low-order peer key yields the all-zero value, which must be refused.
            dh = [];
            return false;
        }

        return true;
    }

    private static void RequirePrivateKey(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != PrivateKeySize)
        {
            throw new ArgumentException($"an X25519 private key is {PrivateKeySize} bytes, not {privateKey.Length}", nameof(privateKey));
        }
    }

    /// <summary>
    /// LabeledExtract (section 4): Extract(salt, "HPKE-v1" || suite_id || label || ikm), that is HMAC-SHA256 keyed with
    /// the salt (Hash.length zero bytes when it is empty, RFC 5869 section 2.2) over the pieces in turn: ikm can be
    /// large (MLS's Welcome passes the encrypted GroupInfo as info, whose hash is extracted here), so it is not copied.
    /// </summary>
    private static byte[] LabeledExtract(byte[] suiteId, ReadOnlySpan<byte> salt, string label, ReadOnlySpan<byte> ikm)
    {
        using IncrementalHash hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, salt.IsEmpty ? s_zeroSalt : salt);
        hmac.AppendData(s_version);
        hmac.AppendData(suiteId);
        hmac.AppendData(Encoding.ASCII.GetBytes(label));
        hmac.AppendData(ikm);
        return hmac.GetHashAndReset();
    }

    /// <summary>LabeledExpand (section 4): Expand(prk, I2OSP(L, 2) || "HPKE-v1" || suite_id || label || info, L).</summary>
    private static byte[] LabeledExpand(byte[] suiteId, ReadOnlySpan<byte> prk, string label, ReadOnlySpan<byte> info, int length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, 255 * HashSize);
        byte[] labeledInfo = [(byte)(length >> 8), (byte)length, .. s_version, .. suiteId, .. Encoding.ASCII.GetBytes(label), .. info];
        byte[] output = new byte[length];
        HKDF.Expand(HashAlgorithmName.SHA256, prk, output, labeledInfo);
        return output;
    }
}
