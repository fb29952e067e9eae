using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace SecureChat.Engine.Crypto;

/// <summary>
/// Protects the records of one direction: AES-256-CBC with PKCS#7 padding under a fresh random IV, then
/// HMAC-SHA256 over direction || sequence || type || IV || ciphertext (encrypt-then-MAC, RFC 7366's order).
/// Layout of a sealed body: IV (16) || ciphertext (16·k, k ≥ 1) || tag (32).
/// Not thread-safe: one instance per direction, used under the session's lock.
/// </summary>
/// <remarks>
/// <para>The tag is verified in constant time before any decryption or padding check, so a peer learns nothing
/// from how a forged record fails (no padding oracle). Both keys live in pinned arrays zeroed on Dispose, and the
/// encryption key also in the native cipher context (freed and cleared on Dispose). A direction only seals or only
/// opens, so each context is created on first use: a hub keeps one per direction per peer, not two.</para>
/// <para>Speed: the one-shot <c>Aes.EncryptCbc</c>/<c>DecryptCbc</c> build a native cipher context per call,
/// which costs more than encrypting a chat message. So each direction keeps one CBC transform (no padding) for
/// its whole life. A kept CBC transform chains every call onto the last ciphertext block it saw (S); to start a
/// record at its own random IV instead, the first plaintext block is XORed with S ⊕ IV before encryption
/// (E(P1 ⊕ IV ⊕ S ⊕ S) = E(P1 ⊕ IV)), and the first decrypted block with S ⊕ IV after decryption. The output is
/// exactly AES-256-CBC(key, IV, PKCS#7(plaintext)), which the tests check against the one-shot API and the
/// published vectors.</para>
/// </remarks>
internal sealed class RecordProtector : IDisposable
{
    public const int IvSize = 16;
    public const int BlockSize = 16;
    public const int TagSize = 32;
    public const int KeySize = 32;
    public const int MacHeaderSize = 1 + 8 + 1;

    /// <summary>The smallest sealed body: IV, one block of ciphertext, tag.</summary>
    public const int MinSealedSize = IvSize + BlockSize + TagSize;

    private static readonly byte[] s_zeroIv = new byte[BlockSize];

    private readonly byte[] _encryptionKey;
    private readonly byte[] _macKey;
    private readonly byte _direction;
    private readonly byte[] _encryptChain = new byte[BlockSize];
    private readonly byte[] _decryptChain = new byte[BlockSize];
    private ICryptoTransform? _encryptor;
    private ICryptoTransform? _decryptor;
    private bool _disposed;

    public RecordProtector(ReadOnlySpan<byte> encryptionKey, ReadOnlySpan<byte> macKey, byte direction)
    {
        if (encryptionKey.Length != KeySize || macKey.Length != KeySize)
        {
            throw new ArgumentException("AES-256 and HMAC-SHA256 keys are 32 bytes");
        }

        // Pinned, so the copy Dispose wipes is the only managed one (setting Aes.Key would keep another in the Aes object).
        _encryptionKey = SecretArray.Copy(encryptionKey);

        // One-shot HMACs over a pinned key we wipe ourselves; an IncrementalHash would keep its own managed key copy.
        _macKey = SecretArray.Copy(macKey);
        _direction = direction;
    }

    /// <summary>Bytes of a sealed body for a plaintext of <paramref name="plaintextLength"/> bytes.</summary>
    public static int SealedSize(int plaintextLength) => IvSize + CiphertextSize(plaintextLength) + TagSize;

    /// <summary>PKCS#7 always pads, so an empty plaintext still makes one block.</summary>
    public static int CiphertextSize(int plaintextLength) => (plaintextLength / BlockSize + 1) * BlockSize;

    /// <summary>Encrypts and authenticates <paramref name="plaintext"/> into <paramref name="destination"/>; returns the bytes written.</summary>
    public int Seal(ulong sequence, byte recordType, ReadOnlySpan<byte> plaintext, Span<byte> destination, IRandomSource random)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int ciphertextSize = CiphertextSize(plaintext.Length);
        int total = IvSize + ciphertextSize + TagSize;
        if (destination.Length < total)
        {
            throw new ArgumentException("destination too small", nameof(destination));
        }

        Span<byte> iv = destination[..IvSize];
        random.Fill(iv);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ciphertextSize);
        try
        {
            // PKCS#7 padding, then the first block re-based from the transform's chain onto this record's IV.
            plaintext.CopyTo(buffer);
            byte pad = (byte)(ciphertextSize - plaintext.Length);
            buffer.AsSpan(plaintext.Length, pad).Fill(pad);
            Xor(buffer.AsSpan(0, BlockSize), _encryptChain, iv);

            int written = (_encryptor ??= CreateTransform(encrypt: true)).TransformBlock(buffer, 0, ciphertextSize, buffer, 0);
            if (written != ciphertextSize)
            {
                throw new CryptographicException("unexpected ciphertext length");
            }

            buffer.AsSpan(ciphertextSize - BlockSize, BlockSize).CopyTo(_encryptChain);
            buffer.AsSpan(0, ciphertextSize).CopyTo(destination[IvSize..]);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer.AsSpan(0, ciphertextSize));
            ArrayPool<byte>.Shared.Return(buffer);
        }

        ComputeTag(sequence, recordType, destination[..(IvSize + ciphertextSize)], destination.Slice(IvSize + ciphertextSize, TagSize));
        return total;
    }

    /// <summary>
    /// Verifies and decrypts a sealed body. Returns false for any malformed, forged, replayed or reordered
    /// record (the sequence number is implicit, so a record out of place fails its tag). Never throws for bad input.
    /// </summary>
    public bool TryOpen(ulong sequence, byte recordType, ReadOnlySpan<byte> sealedBody, Span<byte> plaintextDestination, out int plaintextLength)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        plaintextLength = 0;
        int ciphertextSize = sealedBody.Length - IvSize - TagSize;
        if (sealedBody.Length < MinSealedSize || ciphertextSize % BlockSize != 0 || plaintextDestination.Length < ciphertextSize)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[TagSize];
        ComputeTag(sequence, recordType, sealedBody[..(IvSize + ciphertextSize)], expected);
        bool authentic = CryptographicOperations.FixedTimeEquals(expected, sealedBody[(IvSize + ciphertextSize)..]);
        CryptographicOperations.ZeroMemory(expected);
        if (!authentic)
        {
            return false;
        }

        // Only authenticated ciphertext is decrypted and only then is the padding looked at, so a forger learns
        // nothing; a peer holding the keys can still MAC a bad padding, which is refused like a forgery.
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ciphertextSize);
        try
        {
            sealedBody.Slice(IvSize, ciphertextSize).CopyTo(buffer);
            if ((_decryptor ??= CreateTransform(encrypt: false)).TransformBlock(buffer, 0, ciphertextSize, buffer, 0) != ciphertextSize)
            {
                throw new CryptographicException("unexpected plaintext length");
            }

            Xor(buffer.AsSpan(0, BlockSize), _decryptChain, sealedBody[..IvSize]);
            sealedBody.Slice(IvSize + ciphertextSize - BlockSize, BlockSize).CopyTo(_decryptChain);

            int pad = buffer[ciphertextSize - 1];
            if (pad is < 1 or > BlockSize || buffer.AsSpan(ciphertextSize - pad, pad).IndexOfAnyExcept((byte)pad) >= 0)
            {
                return false;
            }

            plaintextLength = ciphertextSize - pad;
            buffer.AsSpan(0, plaintextLength).CopyTo(plaintextDestination);
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer.AsSpan(0, ciphertextSize));
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _encryptor?.Dispose(); // frees the native cipher context, which OpenSSL clears
        _decryptor?.Dispose();
        CryptographicOperations.ZeroMemory(_encryptionKey);
        CryptographicOperations.ZeroMemory(_macKey);
    }

    /// <summary>The kept CBC transform for sealing or for opening (see the remarks), each with its own chain state.</summary>
    private ICryptoTransform CreateTransform(bool encrypt)
    {
        using Aes aes = Aes.Create();
        aes.Mode = CipherMode.CBC;
        aes.Padding = PaddingMode.None;
        return encrypt ? aes.CreateEncryptor(_encryptionKey, s_zeroIv) : aes.CreateDecryptor(_encryptionKey, s_zeroIv);
    }

    /// <summary>block ^= a ^ b, over one block.</summary>
    private static void Xor(Span<byte> block, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        for (int i = 0; i < BlockSize; i++)
        {
            block[i] ^= (byte)(a[i] ^ b[i]);
        }
    }

    /// <summary>
    /// HMAC over direction || sequence || type || IV || ciphertext. The MAC input is assembled in one buffer so
    /// the one-shot native HMAC is one call (each call into libcrypto costs about as much as hashing a short record).
    /// </summary>
    private void ComputeTag(ulong sequence, byte recordType, ReadOnlySpan<byte> ivAndCiphertext, Span<byte> tag)
    {
        int length = MacHeaderSize + ivAndCiphertext.Length;
        byte[] input = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            input[0] = _direction;
            BinaryPrimitives.WriteUInt64BigEndian(input.AsSpan(1), sequence);
            input[9] = recordType;
            ivAndCiphertext.CopyTo(input.AsSpan(MacHeaderSize));
            HMACSHA256.HashData(_macKey, input.AsSpan(0, length), tag);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(input);
        }
    }
}
