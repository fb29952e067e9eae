namespace SecureChat.Engine.Hub.Groups;

/// <summary>
/// The key packages the hub holds per identity (PROTOCOL.md 4.8): at most <see cref="OneTimeMax"/> one-time ones (a
/// newer one replaces the oldest) and the newest last resort. A one-time key package is handed out once; the last
/// resort is handed out when no one-time one is left and never used up. When a hand-out leaves fewer than
/// <see cref="FewBelow"/> one-time key packages, the client is to be told so, once until it holds enough again.
/// Not thread-safe: used under the hub's lock.
/// </summary>
internal sealed class KeyPackageStore
{
    /// <summary>One-time key packages kept per identity.</summary>
    public const int OneTimeMax = 8;

    /// <summary>Below this many one-time key packages, the client is asked for more (Reply <c>few key packages</c>).</summary>
    public const int FewBelow = 3;

    private readonly Dictionary<string, Holding> _byIdentity = new(StringComparer.Ordinal);

    /// <summary>Keeps a checked key package of <paramref name="identity"/> (see <see cref="KeyPackageCheck"/>); one it holds already is not kept twice.</summary>
    public void Add(string identity, StoredKeyPackage keyPackage, bool lastResort)
    {
        if (!_byIdentity.TryGetValue(identity, out Holding? holding))
        {
            _byIdentity[identity] = holding = new Holding();
        }

        if (holding.OneTime.Any(k => k.IsReference(keyPackage.Reference)) || holding.LastResort?.IsReference(keyPackage.Reference) == true)
        {
            return;
        }

        if (lastResort)
        {
            holding.LastResort = keyPackage;
        }
        else
        {
            if (holding.OneTime.Count == OneTimeMax)
            {
                holding.OneTime.RemoveAt(0);
            }

            holding.OneTime.Add(keyPackage);
        }

        if (holding.OneTime.Count >= FewBelow)
        {
            holding.ToldFew = false;
        }
    }

    /// <summary>The one-time key packages <paramref name="identity"/> has left (the last resort not counted).</summary>
    public int OneTimeCount(string identity) => _byIdentity.TryGetValue(identity, out Holding? holding) ? holding.OneTime.Count : 0;

    public bool HasAny(string identity) => _byIdentity.TryGetValue(identity, out Holding? holding) && (holding.OneTime.Count > 0 || holding.LastResort is not null);

    /// <summary>
    /// Hands out a key package of <paramref name="identity"/>: the oldest one-time one (used up), else the last resort
    /// (kept); false when it holds none. <paramref name="tellFew"/> is true when the client is to be told it holds few now.
    /// </summary>
    public bool TryTake(string identity, out StoredKeyPackage? keyPackage, out bool tellFew)
    {
        keyPackage = null;
        tellFew = false;
        if (!_byIdentity.TryGetValue(identity, out Holding? holding))
        {
            return false;
        }

        if (holding.OneTime.Count > 0)
        {
            keyPackage = holding.OneTime[0];
            holding.OneTime.RemoveAt(0);
        }
        else
        {
            keyPackage = holding.LastResort;
        }

        if (holding.OneTime.Count < FewBelow && !holding.ToldFew)
        {
            holding.ToldFew = true;
            tellFew = true;
        }

        return keyPackage is not null;
    }

    private sealed class Holding
    {
        public List<StoredKeyPackage> OneTime { get; } = [];

        public StoredKeyPackage? LastResort { get; set; }

        public bool ToldFew { get; set; }
    }
}
