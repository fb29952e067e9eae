using System.Buffers.Binary;
using System.Security.Cryptography;

namespace SecureChat.Engine.Crypto;

/// <summary>
/// An HPKE encryption context (RFC 9180 section 5.2) for AES-128-GCM: the key, the base nonce, the sequence number
/// and the exporter secret. Each Seal or successful Open uses the next nonce (base_nonce XOR I2OSP(seq, Nn)), so a
/// sender and a recipient must process messages in the same order; the sequence number never wraps (section 5.2:
/// a MessageLimitReached error instead). The secrets are wiped on <see cref="Dispose"/>. Not thread-safe.
/// </summary>
internal sealed class HpkeContext : IDisposable
{
    private readonly byte[] _key;
    private readonly byte[] _baseNonce;
    private readonly byte[] _exporterSecret;
    private ulong _sequence;
    private bool _disposed;

    public HpkeContext(byte[] key, byte[] baseNonce, byte[] exporterSecret)
    {
        _key = key;
        _baseNonce = baseNonce;
        _exporterSecret = exporterSecret;
    }

    /// <summary>The next sequence number this context will use.</summary>
    public ulong Sequence => _sequence;

    internal ReadOnlySpan<byte> Key => _key;

    internal ReadOnlySpan<byte> BaseNonce => _baseNonce;

    internal ReadOnlySpan<byte> ExporterSecret => _exporterSecret;

    public byte[] Seal(ReadOnlySpan<byte> aad, ReadOnlySpan<byte> plaintext)
    {
        byte[] nonce = NextNonce();
        byte[] output = new byte[plaintext.Length + Hpke.TagSize];
        using AesGcm aes = new(_key, Hpke.TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(0, plaintext.Length), output.AsSpan(plaintext.Length), aad);
        _sequence++;
        return output;
    }

    /// <summary>Open (section 5.2): false when the ciphertext is short or does not authenticate; the sequence moves only on success.</summary>
    public bool TryOpen(ReadOnlySpan<byte> aad, ReadOnlySpan<byte> ciphertext, out byte[] plaintext)
    {
        plaintext = [];
        if (ciphertext.Length < Hpke.TagSize)
        {
            return false;
        }

        byte[] nonce = NextNonce();
        byte[] output = new byte[ciphertext.Length - Hpke.TagSize];
        using AesGcm aes = new(_key, Hpke.TagSize);
        try
        {
            aes.Decrypt(nonce, ciphertext[..output.Length], ciphertext[output.Length..], output, aad);
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }

        _sequence++;
        plaintext = output;
        return true;
    }

    /// <summary>Export (section 5.3): a secret of <paramref name="length"/> bytes bound to <paramref name="exporterContext"/>.</summary>
    public byte[] Export(ReadOnlySpan<byte> exporterContext, int length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Hpke.Export(_exporterSecret, exporterContext, length);
    }

    public void Dispose()
    {
        _disposed = true;
        CryptographicOperations.ZeroMemory(_key);
        CryptographicOperations.ZeroMemory(_baseNonce);
        CryptographicOperations.ZeroMemory(_exporterSecret);
    }

    /// <summary>ComputeNonce (section 5.2): base_nonce XOR the big-endian sequence number.</summary>
    internal byte[] NextNonce()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_sequence == ulong.MaxValue)
        {
            throw new InvalidOperationException("the HPKE context reached its message limit");
        }

        byte[] nonce = (byte[])_baseNonce.Clone();
        Span<byte> sequence = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(sequence, _sequence);
        for (int i = 0; i < 8; i++)
        {
            nonce[Hpke.NonceSize - 8 + i] ^= sequence[i];
        }

        return nonce;
    }
}
