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
/// The tag is verified in constant time before any decryption or padding check, so a peer learns nothing
/// from how a forged record fails (no padding oracle). Keys are copied in and zeroed on Dispose.
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

    private readonly Aes _aes;
    private readonly IncrementalHash _hmac;
    private readonly byte _direction;
    private bool _disposed;

    public RecordProtector(ReadOnlySpan<byte> encryptionKey, ReadOnlySpan<byte> macKey, byte direction)
    {
        if (encryptionKey.Length != KeySize || macKey.Length != KeySize)
        {
            throw new ArgumentException("AES-256 and HMAC-SHA256 keys are 32 bytes");
        }

        _aes = Aes.Create();
        byte[] key = encryptionKey.ToArray();
        try
        {
            _aes.Key = key;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }

        _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, macKey);
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
        int written = _aes.EncryptCbc(plaintext, iv, destination.Slice(IvSize, ciphertextSize), PaddingMode.PKCS7);
        if (written != ciphertextSize)
        {
            throw new CryptographicException("unexpected ciphertext length");
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

        // Only authenticated ciphertext reaches the padding check, so this reveals nothing to a forger; but a peer
        // holding the keys can still MAC a bad padding, and TryDecryptCbc throws for that: peer bytes never throw.
        try
        {
            return _aes.TryDecryptCbc(sealedBody.Slice(IvSize, ciphertextSize), sealedBody[..IvSize], plaintextDestination, out plaintextLength, PaddingMode.PKCS7);
        }
        catch (CryptographicException)
        {
            plaintextLength = 0;
            CryptographicOperations.ZeroMemory(plaintextDestination[..ciphertextSize]);
            return false;
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _aes.Dispose();
        _hmac.Dispose();
    }

    private void ComputeTag(ulong sequence, byte recordType, ReadOnlySpan<byte> ivAndCiphertext, Span<byte> tag)
    {
        Span<byte> header = stackalloc byte[MacHeaderSize];
        header[0] = _direction;
        BinaryPrimitives.WriteUInt64BigEndian(header[1..], sequence);
        header[9] = recordType;
        _hmac.AppendData(header);
        _hmac.AppendData(ivAndCiphertext);
        _hmac.GetHashAndReset(tag);
    }
}
