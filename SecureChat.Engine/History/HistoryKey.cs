using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace SecureChat.Engine.History;

/// <summary>
/// The history key: 32 random bytes that never reach the disk in clear (wrapped under a passphrase by
/// <see cref="HistoryKeyWrap"/>, or kept in the 0600 key file of <see cref="HistoryKeyFile"/>). Three keys are
/// expanded from it with HKDF-SHA256 (RFC 5869), each for one use: the rows' XChaCha20-Poly1305 key, the HMAC-SHA256
/// key that turns a conversation into the opaque tag stored in clear, and the key of the check that a key file
/// belongs to this database. The pinned copies are wiped on <see cref="Dispose"/>; the row key lives in libsodium's
/// memory (NSec). Thread-safe for use; one owner disposes it.
/// </summary>
internal sealed class HistoryKey : IDisposable
{
    public const int KeySize = 32;
    public const int TagSize = 16;

    private static readonly byte[] s_rowInfo = "securechat history rows v1"u8.ToArray();
    private static readonly byte[] s_tagInfo = "securechat history conversations v1"u8.ToArray();
    private static readonly byte[] s_checkInfo = "securechat history key check v1"u8.ToArray();

    private readonly byte[] _secret = GC.AllocateArray<byte>(KeySize, pinned: true);
    private readonly byte[] _tagKey = GC.AllocateArray<byte>(KeySize, pinned: true);
    private readonly byte[] _checkKey = GC.AllocateArray<byte>(KeySize, pinned: true);
    private readonly Key _rowKey;

    private HistoryKey(ReadOnlySpan<byte> secret)
    {
        if (secret.Length != KeySize)
        {
            throw new ArgumentException("a 32-byte history key", nameof(secret));
        }

        secret.CopyTo(_secret);
        byte[] rowKey = GC.AllocateArray<byte>(KeySize, pinned: true);
        try
        {
            HKDF.Expand(HashAlgorithmName.SHA256, _secret, rowKey, s_rowInfo);
            HKDF.Expand(HashAlgorithmName.SHA256, _secret, _tagKey, s_tagInfo);
            HKDF.Expand(HashAlgorithmName.SHA256, _secret, _checkKey, s_checkInfo);
            _rowKey = Key.Import(AeadAlgorithm.XChaCha20Poly1305, rowKey, KeyBlobFormat.RawSymmetricKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(rowKey);
        }
    }

    /// <summary>The rows' AEAD key.</summary>
    public Key RowKey => _rowKey;

    /// <summary>A fresh random key.</summary>
    public static HistoryKey Generate()
    {
        Span<byte> secret = stackalloc byte[KeySize];
        try
        {
            RandomNumberGenerator.Fill(secret);
            return new HistoryKey(secret);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>The key from its 32 bytes (unwrapped, or read from the key file); the caller wipes its copy.</summary>
    public static HistoryKey FromBytes(ReadOnlySpan<byte> secret) => new(secret);

    /// <summary>Copies the key's bytes out, to be wrapped or written; the caller wipes the copy.</summary>
    public void CopyTo(Span<byte> destination) => _secret.CopyTo(destination);

    /// <summary>
    /// The opaque tag of a conversation, stored in clear so that pages load by index: a keyed hash of the hub and the
    /// name, so the database shows neither which rooms nor whom one talks to, and lines of one conversation cannot be
    /// listed without the key.
    /// </summary>
    public byte[] TagOf(HistoryConversation conversation)
    {
        byte[] hub = Encoding.UTF8.GetBytes(conversation.Hub);
        byte[] name = Encoding.UTF8.GetBytes(conversation.Name);
        byte[] input = new byte[4 + hub.Length + name.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(input, hub.Length);
        hub.CopyTo(input, 4);
        name.CopyTo(input, 4 + hub.Length);
        return HMACSHA256.HashData(_tagKey, input)[..TagSize];
    }

    /// <summary>What a database keeps to tell that a key file's key is its own (an HMAC of its random id).</summary>
    public byte[] CheckFor(ReadOnlySpan<byte> databaseId) => HMACSHA256.HashData(_checkKey, databaseId);

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_secret);
        CryptographicOperations.ZeroMemory(_tagKey);
        CryptographicOperations.ZeroMemory(_checkKey);
        _rowKey.Dispose();
    }
}
