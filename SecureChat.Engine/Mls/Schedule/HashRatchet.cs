using System.Security.Cryptography;

namespace SecureChat.Engine.Mls.Schedule;

/// <summary>
/// One hash ratchet of the secret tree (RFC 9420 section 9.1): from ratchet_secret_[j],
/// key_[j] = DeriveTreeSecret(secret_[j], "key", j, Nk), nonce_[j] = DeriveTreeSecret(secret_[j], "nonce", j, Nn),
/// secret_[j+1] = DeriveTreeSecret(secret_[j], "secret", j, Nh); secret_[j] is wiped as soon as the next one exists.
/// Section 9.2 deletion: a key leaves the ratchet when it is handed out, and can never be handed out again. Keys of
/// generations skipped to reach a later one are kept for out-of-order messages, at most
/// <see cref="SecretTree.SkippedKeysMax"/> of them (the oldest go first), and a request more than
/// <see cref="SecretTree.ForwardGenerationsMax"/> generations ahead is refused, so a peer's claimed generation bounds
/// the work it causes. Not thread-safe.
/// </summary>
internal sealed class HashRatchet : IDisposable
{
    private readonly CipherSuite _suite;
    private readonly SortedDictionary<uint, RatchetKey> _skipped = [];
    private byte[] _secret;
    private uint _generation;
    private bool _exhausted;

    public HashRatchet(CipherSuite suite, byte[] secret)
    {
        _suite = suite;
        _secret = secret;
    }

    /// <summary>Writes the ratchet's position for storage: its current secret, generation and the skipped keys it keeps.</summary>
    internal void Write(Codec.MlsWriter w)
    {
        w.Opaque(_secret);
        w.U32(_generation);
        w.Bool(_exhausted);
        w.Vector([.. _skipped.Values], static (w, key) =>
        {
            w.U32(key.Generation);
            w.Opaque(key.Key);
            w.Opaque(key.Nonce);
        });
    }

    /// <summary>Reads what <see cref="Write"/> wrote.</summary>
    internal static HashRatchet Read(CipherSuite suite, ref Codec.MlsReader r)
    {
        var ratchet = new HashRatchet(suite, r.OpaqueArray());
        ratchet._generation = r.U32();
        ratchet._exhausted = r.Bool();
        foreach (RatchetKey key in r.VectorOf(static (ref Codec.MlsReader r) => new RatchetKey(r.U32(), r.OpaqueArray(), r.OpaqueArray())))
        {
            if (ratchet._skipped.Count >= SecretTree.SkippedKeysMax || !ratchet._skipped.TryAdd(key.Generation, key))
            {
                throw new Codec.MlsFormatException("a stored ratchet repeats a skipped key or keeps too many");
            }
        }

        if (ratchet._secret.Length != suite.HashLength)
        {
            throw new Codec.MlsFormatException("a stored ratchet secret has the wrong length");
        }

        return ratchet;
    }

    /// <summary>The generation the next <see cref="Next"/> returns.</summary>
    public uint Generation => _generation;

    public int SkippedCount => _skipped.Count;

    /// <summary>The key of the current generation, for sending; the ratchet moves past it.</summary>
    public RatchetKey Next()
    {
        if (_exhausted)
        {
            throw new InvalidOperationException("the hash ratchet has used its last generation");
        }

        return Advance();
    }

    /// <summary>
    /// The key of <paramref name="generation"/>, for receiving: false when it was already handed out or dropped, or lies
    /// more than <see cref="SecretTree.ForwardGenerationsMax"/> ahead of the ratchet.
    /// </summary>
    public bool TryGet(uint generation, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out RatchetKey? key)
    {
        key = null;
        if (generation < _generation || _exhausted)
        {
            return _skipped.Remove(generation, out key);
        }

        if (generation - _generation > SecretTree.ForwardGenerationsMax)
        {
            return false;
        }

        while (_generation < generation)
        {
            RatchetKey skipped = Advance();
            _skipped[skipped.Generation] = skipped;
            if (_skipped.Count > SecretTree.SkippedKeysMax)
            {
                uint oldest = _skipped.Keys.First();
                _skipped.Remove(oldest, out RatchetKey? dropped);
                dropped!.Dispose();
            }
        }

        key = Advance();
        return true;
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_secret);
        foreach (RatchetKey key in _skipped.Values)
        {
            key.Dispose();
        }

        _skipped.Clear();
        _exhausted = true;
    }

    private RatchetKey Advance()
    {
        uint j = _generation;
        RatchetKey key = new(
            j,
            _suite.DeriveTreeSecret(_secret, "key", j, _suite.AeadKeyLength),
            _suite.DeriveTreeSecret(_secret, "nonce", j, _suite.AeadNonceLength));
        byte[] next = _suite.DeriveTreeSecret(_secret, "secret", j, _suite.HashLength);
        CryptographicOperations.ZeroMemory(_secret);
        _secret = next;
        if (j == uint.MaxValue)
        {
            _exhausted = true;
        }
        else
        {
            _generation = j + 1;
        }

        return key;
    }
}
