using NSec.Cryptography;
using SecureChat.Engine.Crypto;

namespace SecureChat.Engine.Tests.Support;

/// <summary>
/// An Ed25519 identity from a fixed 32-byte seed (RFC 8032 private key), for reproducible handshakes: Ed25519
/// signatures are deterministic, so the same seed and data always give the same bytes.
/// </summary>
internal sealed class SeededSigner : ISeedSigner, IDisposable
{
    private readonly Key _key;

    public SeededSigner(ReadOnlySpan<byte> seed)
    {
        _key = Key.Import(SignatureAlgorithm.Ed25519, seed, KeyBlobFormat.RawPrivateKey, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        PublicKey = _key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
    }

    public byte[] PublicKey { get; }

    public byte[] Sign(ReadOnlySpan<byte> data) => SignatureAlgorithm.Ed25519.Sign(_key, data);

    public byte[] ExportSeed() => _key.Export(KeyBlobFormat.RawPrivateKey);

    public void Dispose() => _key.Dispose();
}
