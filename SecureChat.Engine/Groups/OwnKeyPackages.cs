using SecureChat.Engine.Mls;
using SecureChat.Engine.Mls.Group;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Groups;

/// <summary>
/// This member's key packages (PROTOCOL.md 4.8, "Key packages"; RFC 9420 sections 10 and 16.8) and the private keys
/// of those not used yet: each made with the identity key as its leaf signature key and a BasicCredential carrying
/// the identity public key. A batch is 8 one-time key packages and 1 last resort. The hub keeps at most 9 and drops
/// the oldest, so only the newest <see cref="OneTimeKeptMax"/> one-time and <see cref="LastResortKeptMax"/> last
/// resort secrets are kept: one the hub may still hand out is never lost, and the store cannot grow without end.
/// A one-time key package's secrets are wiped once a Welcome used it. Not thread-safe.
/// </summary>
internal sealed class OwnKeyPackages : IDisposable
{
    public const int BatchOneTime = 8;
    public const int OneTimeKeptMax = 64;
    public const int LastResortKeptMax = 4;

    private readonly CipherSuite _suite;
    private readonly byte[] _identity;
    private readonly byte[] _signatureSeed;
    private readonly TimeProvider _time;
    private readonly List<OwnKeyPackage> _kept = [];

    public OwnKeyPackages(CipherSuite suite, byte[] identityPublicKey, byte[] signatureSeed, TimeProvider time)
    {
        _suite = suite;
        _identity = identityPublicKey;
        _signatureSeed = signatureSeed;
        _time = time;
    }

    /// <summary>The key packages whose secrets are kept, oldest first.</summary>
    public IReadOnlyList<OwnKeyPackage> Kept => _kept;

    /// <summary>Makes <paramref name="oneTime"/> one-time key packages and, when asked, a last resort one after them.</summary>
    public KeyPackagesRecord MakeBatch(int oneTime, bool lastResort)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(oneTime);
        ulong now = (ulong)_time.GetUtcNow().ToUnixTimeSeconds();
        var encoded = new List<byte[]>(oneTime + 1);
        for (int i = 0; i < oneTime + (lastResort ? 1 : 0); i++)
        {
            (KeyPackage keyPackage, KeyPackageSecrets secrets) = KeyPackageFactory.Create(_suite, _identity, _signatureSeed, now);
            Keep(new OwnKeyPackage(keyPackage, secrets, lastResort && i == oneTime));
            encoded.Add(MlsMessage.Of(keyPackage).Encode());
        }

        return new KeyPackagesRecord(lastResort, encoded);
    }

    /// <summary>Adds a key package read back from storage (or just made), dropping the oldest of its kind past the bound.</summary>
    public void Keep(OwnKeyPackage keyPackage)
    {
        _kept.Add(keyPackage);
        int max = keyPackage.LastResort ? LastResortKeptMax : OneTimeKeptMax;
        List<OwnKeyPackage> same = [.. _kept.Where(k => k.LastResort == keyPackage.LastResort)];
        for (int i = 0; i < same.Count - max; i++)
        {
            _kept.Remove(same[i]);
            same[i].Secrets.Wipe();
        }
    }

    /// <summary>The kept key package one of the Welcome's EncryptedGroupSecrets is for, or null.</summary>
    public OwnKeyPackage? FindFor(Welcome welcome)
    {
        foreach (OwnKeyPackage own in _kept)
        {
            byte[] reference = own.KeyPackage.Reference(_suite);
            if (welcome.Secrets.Any(s => s.NewMember.AsSpan().SequenceEqual(reference)))
            {
                return own;
            }
        }

        return null;
    }

    /// <summary>A Welcome used <paramref name="own"/>: a one-time key package's secrets are wiped, a last resort stays.</summary>
    public void Used(OwnKeyPackage own)
    {
        if (!own.LastResort && _kept.Remove(own))
        {
            own.Secrets.Wipe();
        }
    }

    public void Dispose()
    {
        foreach (OwnKeyPackage own in _kept)
        {
            own.Secrets.Wipe();
        }

        _kept.Clear();
    }
}
