using System.Buffers.Binary;
using System.Security.Cryptography;
using NSec.Cryptography;

namespace SecureChat.Engine.History;

/// <summary>
/// The history key wrapped under a passphrase, as kept in the database's <c>meta</c> table:
/// <code>version (1) = 1 || memory KiB (4, big-endian) || passes (4) || salt (16) || nonce (24) || ciphertext (32) || tag (16)</code>
/// The wrapping key is Argon2id (RFC 9106; libsodium through NSec, one lane) of the passphrase and the salt; the key is
/// sealed with XChaCha20-Poly1305 under it, the database's id and the version and parameter bytes as associated data,
/// so a wrong passphrase fails the tag (and nothing else is tried) and a wrapped key cannot be moved to another
/// database. The parameters read back are bounded first (<see cref="MemoryMax"/>, <see cref="PassesMax"/>): a file
/// cannot make an unlock spend unbounded memory or time. Stateless and thread-safe.
/// </summary>
internal static class HistoryKeyWrap
{
    public const int SaltSize = 16;
    public const int NonceSize = 24;
    public const int TagSize = 16;
    public const int HeaderSize = 1 + 4 + 4;
    public const int Size = HeaderSize + SaltSize + NonceSize + HistoryKey.KeySize + TagSize;

    /// <summary>The memory an unlock may be asked for: 1 GiB, in KiB.</summary>
    public const int MemoryMax = 1024 * 1024;

    public const int PassesMax = 16;

    /// <summary>libsodium's floor for Argon2id's memory, in KiB.</summary>
    public const int MemoryMin = 8;

    private const byte Version = 1;
    private static readonly byte[] s_label = "securechat history key v1"u8.ToArray();

    /// <summary>The cost of a new wrap: 64 MiB and 3 passes (RFC 9106's second recommended option, one lane).</summary>
    public static readonly HistoryKdfCost DefaultCost = new(64 * 1024, 3);

    /// <summary>Wraps <paramref name="key"/> under <paramref name="passphrase"/> for the database <paramref name="databaseId"/>.</summary>
    public static byte[] Wrap(HistoryKey key, ReadOnlySpan<byte> passphrase, ReadOnlySpan<byte> databaseId, HistoryKdfCost cost)
    {
        byte[] wrapped = new byte[Size];
        wrapped[0] = Version;
        BinaryPrimitives.WriteInt32BigEndian(wrapped.AsSpan(1), cost.MemoryKib);
        BinaryPrimitives.WriteInt32BigEndian(wrapped.AsSpan(5), cost.Passes);
        RandomNumberGenerator.Fill(wrapped.AsSpan(HeaderSize, SaltSize + NonceSize));
        byte[] secret = GC.AllocateArray<byte>(HistoryKey.KeySize, pinned: true);
        try
        {
            key.CopyTo(secret);
            using Key wrapping = DeriveWrappingKey(passphrase, wrapped.AsSpan(HeaderSize, SaltSize), cost);
            AeadAlgorithm.XChaCha20Poly1305.Encrypt(wrapping, wrapped.AsSpan(HeaderSize + SaltSize, NonceSize),
                AssociatedData(databaseId, wrapped.AsSpan(0, HeaderSize)), secret, wrapped.AsSpan(HeaderSize + SaltSize + NonceSize));
            return wrapped;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>
    /// Unwraps the key; false when the blob is malformed, its cost is out of bounds, or the passphrase is wrong
    /// (the tag fails: Argon2id made that one guess cost its full price).
    /// </summary>
    public static bool TryUnwrap(ReadOnlySpan<byte> wrapped, ReadOnlySpan<byte> passphrase, ReadOnlySpan<byte> databaseId, out HistoryKey? key)
    {
        key = null;
        if (!TryReadCost(wrapped, out HistoryKdfCost cost))
        {
            return false;
        }

        byte[] secret = GC.AllocateArray<byte>(HistoryKey.KeySize, pinned: true);
        try
        {
            using Key wrapping = DeriveWrappingKey(passphrase, wrapped.Slice(HeaderSize, SaltSize), cost);
            if (!AeadAlgorithm.XChaCha20Poly1305.Decrypt(wrapping, wrapped.Slice(HeaderSize + SaltSize, NonceSize),
                AssociatedData(databaseId, wrapped[..HeaderSize]), wrapped[(HeaderSize + SaltSize + NonceSize)..], secret))
            {
                return false;
            }

            key = HistoryKey.FromBytes(secret);
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>The cost a wrapped key was made with; false when the blob is malformed or the cost out of bounds.</summary>
    public static bool TryReadCost(ReadOnlySpan<byte> wrapped, out HistoryKdfCost cost)
    {
        cost = default;
        if (wrapped.Length != Size || wrapped[0] != Version)
        {
            return false;
        }

        int memory = BinaryPrimitives.ReadInt32BigEndian(wrapped[1..]);
        int passes = BinaryPrimitives.ReadInt32BigEndian(wrapped[5..]);
        if (memory is < MemoryMin or > MemoryMax || passes is < 1 or > PassesMax)
        {
            return false;
        }

        cost = new HistoryKdfCost(memory, passes);
        return true;
    }

    private static Key DeriveWrappingKey(ReadOnlySpan<byte> passphrase, ReadOnlySpan<byte> salt, HistoryKdfCost cost)
    {
        var argon = PasswordBasedKeyDerivationAlgorithm.Argon2id(new Argon2Parameters
        {
            DegreeOfParallelism = 1,
            MemorySize = cost.MemoryKib,
            NumberOfPasses = cost.Passes,
        });
        return argon.DeriveKey(passphrase, salt, AeadAlgorithm.XChaCha20Poly1305);
    }

    private static byte[] AssociatedData(ReadOnlySpan<byte> databaseId, ReadOnlySpan<byte> header) => [.. s_label, .. databaseId, .. header];
}
