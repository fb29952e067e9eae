using SecureChat.Engine.Crypto;

namespace SecureChat.Engine.Transport;

/// <summary>
/// Client: the identity digests the hub has named (senders, members, actors, targets, recipients), by the fingerprint
/// people see (<see cref="IdentityFingerprint.FromDigest"/>, the digest's first 16 bytes), so a direct message
/// addressed by fingerprint goes out with the whole 32-byte digest the wire needs. At most <see cref="Max"/>, so a
/// hub cannot grow it without end (past that, it starts over). Thread-safe.
/// </summary>
internal sealed class KnownIdentities
{
    /// <summary>The most identities kept: four times the members of a full room.</summary>
    public const int Max = 65_536;

    private readonly Dictionary<string, byte[]> _byFingerprint = new(StringComparer.Ordinal);

    /// <summary>Remembers a digest (all zero, nobody, is ignored).</summary>
    public void Saw(byte[] digest)
    {
        if (digest.Length != IdentityFingerprint.DigestSize || !digest.AsSpan().ContainsAnyExcept((byte)0))
        {
            return;
        }

        string fingerprint = IdentityFingerprint.FromDigest(digest);
        lock (_byFingerprint)
        {
            if (_byFingerprint.Count >= Max && !_byFingerprint.ContainsKey(fingerprint))
            {
                _byFingerprint.Clear();
            }

            _byFingerprint[fingerprint] = digest;
        }
    }

    /// <summary>The digest of a fingerprint the hub has named, or null.</summary>
    public byte[]? DigestOf(string fingerprint)
    {
        lock (_byFingerprint)
        {
            return _byFingerprint.TryGetValue(fingerprint.Trim().ToUpperInvariant(), out byte[]? digest) ? digest : null;
        }
    }
}
