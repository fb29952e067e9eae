using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Mls.Codec;

namespace SecureChat.Engine.Mls;

/// <summary>
/// The operations of MLS cipher suite 1, MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519 (RFC 9420 section 5.1, 17.1):
/// SHA-256, HKDF-SHA256, HMAC-SHA256 and AES-128-GCM from the BCL, Ed25519 from NSec, HPKE from
/// <see cref="Hpke"/>; the labeled forms (ExpandWithLabel, DeriveSecret, DeriveTreeSecret in section 5.1 and 9,
/// RefHash in section 5.2, SignWithLabel in section 5.1.2, EncryptWithLabel in section 5.1.3) are written here.
/// Signature private keys are raw 32-byte Ed25519 seeds. Stateless and thread-safe.
/// </summary>
internal sealed class CipherSuite
{
    public const string LabelPrefix = "MLS 1.0 ";

    private static readonly byte[] s_labelPrefix = Encoding.ASCII.GetBytes(LabelPrefix);

    private CipherSuite()
    {
    }

    public static CipherSuite Suite1 { get; } = new();

    public ushort Id => 1;

    public int HashLength => 32;

    public int AeadKeyLength => 16;

    public int AeadNonceLength => 12;

    public int AeadTagLength => 16;

    public int SignatureLength => 64;

    public byte[] Hash(ReadOnlySpan<byte> data) => SHA256.HashData(data);

    public byte[] Extract(ReadOnlySpan<byte> salt, ReadOnlySpan<byte> ikm)
    {
        byte[] prk = new byte[HashLength];
        HKDF.Extract(HashAlgorithmName.SHA256, ikm, salt, prk);
        return prk;
    }

    public byte[] Expand(ReadOnlySpan<byte> prk, ReadOnlySpan<byte> info, int length)
    {
        byte[] output = new byte[length];
        HKDF.Expand(HashAlgorithmName.SHA256, prk, output, info);
        return output;
    }

    /// <summary>ExpandWithLabel (section 8): Expand(secret, KDFLabel{ u16 length; "MLS 1.0 " + label; context }, length).</summary>
    public byte[] ExpandWithLabel(ReadOnlySpan<byte> secret, string label, ReadOnlySpan<byte> context, int length) =>
        ExpandWithLabel(secret, Encoding.ASCII.GetBytes(label), context, length);

    /// <summary>ExpandWithLabel with a label given as bytes (the exporter's label is the application's, not necessarily text).</summary>
    public byte[] ExpandWithLabel(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> label, ReadOnlySpan<byte> context, int length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, ushort.MaxValue);
        MlsWriter w = new();
        w.U16((ushort)length);
        w.Opaque([.. s_labelPrefix, .. label]);
        w.Opaque(context);
        return Expand(secret, w.ToArray(), length);
    }

    /// <summary>DeriveSecret (section 8): ExpandWithLabel(secret, label, "", Nh).</summary>
    public byte[] DeriveSecret(ReadOnlySpan<byte> secret, string label) => ExpandWithLabel(secret, label, [], HashLength);

    public byte[] DeriveSecret(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> label) => ExpandWithLabel(secret, label, [], HashLength);

    /// <summary>DeriveTreeSecret (section 9): ExpandWithLabel(secret, label, u32 generation, length).</summary>
    public byte[] DeriveTreeSecret(ReadOnlySpan<byte> secret, string label, uint generation, int length)
    {
        Span<byte> context = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(context, generation);
        return ExpandWithLabel(secret, label, context, length);
    }

    /// <summary>RefHash (section 5.2): Hash(RefHashInput{ label; value }); the label is used as given.</summary>
    public byte[] RefHash(string label, ReadOnlySpan<byte> value)
    {
        MlsWriter w = new();
        w.Opaque(Encoding.ASCII.GetBytes(label));
        w.Opaque(value);
        return Hash(w.ToArray());
    }

    public byte[] Mac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data) => HMACSHA256.HashData(key, data);

    /// <summary>AES-128-GCM encryption: the ciphertext followed by the 16-byte tag.</summary>
    public byte[] Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> plaintext)
    {
        byte[] output = new byte[plaintext.Length + AeadTagLength];
        using AesGcm aes = new(key, AeadTagLength);
        aes.Encrypt(nonce, plaintext, output.AsSpan(0, plaintext.Length), output.AsSpan(plaintext.Length), aad);
        return output;
    }

    /// <summary>AES-128-GCM decryption: false for a short or altered ciphertext, never an exception for peer bytes.</summary>
    public bool TryOpen(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> ciphertext, out byte[] plaintext)
    {
        plaintext = [];
        if (ciphertext.Length < AeadTagLength)
        {
            return false;
        }

        byte[] output = new byte[ciphertext.Length - AeadTagLength];
        using AesGcm aes = new(key, AeadTagLength);
        try
        {
            aes.Decrypt(nonce, ciphertext[..output.Length], ciphertext[output.Length..], output, aad);
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }

        plaintext = output;
        return true;
    }

    /// <summary>SignWithLabel (section 5.1.2): Ed25519 over SignContent{ "MLS 1.0 " + label; content }.</summary>
    public byte[] SignWithLabel(ReadOnlySpan<byte> signaturePrivateKey, string label, ReadOnlySpan<byte> content)
    {
        using Key key = ImportSigningKey(signaturePrivateKey);
        return SignatureAlgorithm.Ed25519.Sign(key, SignContent(label, content));
    }

    /// <summary>VerifyWithLabel (section 5.1.2): false for a malformed key or a bad signature.</summary>
    public bool VerifyWithLabel(ReadOnlySpan<byte> signaturePublicKey, string label, ReadOnlySpan<byte> content, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != SignatureLength
            || !NSec.Cryptography.PublicKey.TryImport(SignatureAlgorithm.Ed25519, signaturePublicKey, KeyBlobFormat.RawPublicKey, out NSec.Cryptography.PublicKey? publicKey))
        {
            return false;
        }

        return SignatureAlgorithm.Ed25519.Verify(publicKey!, SignContent(label, content), signature);
    }

    /// <summary>
    /// EncryptWithLabel (section 5.1.3): HPKE SealBase with info = EncryptContext{ "MLS 1.0 " + label; context } and
    /// empty aad, its ephemeral key from <paramref name="random"/> (the system's CSPRNG unless given).
    /// </summary>
    public (byte[] Kem, byte[] Ciphertext) EncryptWithLabel(ReadOnlySpan<byte> publicKey, string label, ReadOnlySpan<byte> context, ReadOnlySpan<byte> plaintext, IRandomSource? random = null)
    {
        (byte[] enc, byte[] ciphertext) = Hpke.SealBase(publicKey, EncryptContext(label, context), [], plaintext, random);
        return (enc, ciphertext);
    }

    /// <summary>DecryptWithLabel (section 5.1.3): false when the KEM output or the ciphertext does not open.</summary>
    public bool TryDecryptWithLabel(ReadOnlySpan<byte> privateKey, string label, ReadOnlySpan<byte> context, ReadOnlySpan<byte> kemOutput, ReadOnlySpan<byte> ciphertext, out byte[] plaintext) =>
        Hpke.TryOpenBase(kemOutput, privateKey, EncryptContext(label, context), [], ciphertext, out plaintext);

    /// <summary>HPKE DeriveKeyPair (RFC 9180 section 7.1.3), as MLS uses it for node and external keys.</summary>
    public (byte[] PrivateKey, byte[] PublicKey) DeriveKeyPair(ReadOnlySpan<byte> ikm) => Hpke.DeriveKeyPair(ikm);

    public byte[] PublicKeyOf(ReadOnlySpan<byte> hpkePrivateKey) => Hpke.PublicKeyOf(hpkePrivateKey);

    /// <summary>A fresh Ed25519 key pair from <paramref name="random"/> (the system's CSPRNG unless given): the 32-byte seed and the 32-byte public key.</summary>
    public (byte[] PrivateKey, byte[] PublicKey) GenerateSignatureKeyPair(IRandomSource? random = null)
    {
        byte[] seed = new byte[32];
        (random ?? SystemRandom.Instance).Fill(seed);
        return (seed, SignaturePublicKeyOf(seed));
    }

    public byte[] SignaturePublicKeyOf(ReadOnlySpan<byte> signaturePrivateKey)
    {
        using Key key = ImportSigningKey(signaturePrivateKey);
        return key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
    }

    private static Key ImportSigningKey(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != 32)
        {
            throw new ArgumentException($"an Ed25519 private key is a 32-byte seed, not {seed.Length} bytes", nameof(seed));
        }

        return Key.Import(SignatureAlgorithm.Ed25519, seed, KeyBlobFormat.RawPrivateKey);
    }

    private static byte[] SignContent(string label, ReadOnlySpan<byte> content)
    {
        MlsWriter w = new();
        w.Opaque(Encoding.ASCII.GetBytes(LabelPrefix + label));
        w.Opaque(content);
        return w.ToArray();
    }

    private static byte[] EncryptContext(string label, ReadOnlySpan<byte> context) => SignContent(label, context);
}
