using NSec.Cryptography;

namespace SecureChat.Engine.Crypto;

/// <summary>An identity that lives only in memory (tests, benchmarks, and anything that must not persist one).</summary>
public sealed class EphemeralSigner : ISeedSigner, IDisposable
{
    private readonly Key _key = Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });

    public EphemeralSigner() => PublicKey = _key.PublicKey.Export(KeyBlobFormat.RawPublicKey);

    public byte[] PublicKey { get; }

    public byte[] Sign(ReadOnlySpan<byte> data) => SignatureAlgorithm.Ed25519.Sign(_key, data);

    byte[] ISeedSigner.ExportSeed() => _key.Export(KeyBlobFormat.RawPrivateKey);

    public void Dispose() => _key.Dispose();
}
