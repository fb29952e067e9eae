using SecureChat.Engine.Crypto;

namespace SecureChat.Engine.Session;

/// <summary>
/// Ephemeral Diffie-Hellman key pairs made before a handshake needs them, so it does not wait for an exponentiation
/// (about 0.3 ms on ffdhe2048): at most one ready pair per group. Each pair is handed out once and owned by the
/// taker from then on; nothing is ever reused, so every handshake still has fresh values (forward secrecy). A server
/// keeps one ready (<see cref="Refills"/>: the next is made on the thread pool as soon as one is taken); a client
/// makes one while its TCP connection opens. Thread-safe.
/// </summary>
internal sealed class KeyPairReserve(IRandomSource random, bool refills) : IDisposable
{
    private readonly object _gate = new();
    private readonly Dictionary<DhGroupId, DhKeyPair> _ready = [];
    private readonly Dictionary<DhGroupId, Task> _making = [];
    private bool _disposed;

    /// <summary>True when a taken pair is replaced at once: a handshake then never needs a precomputation job of its own.</summary>
    public bool Refills => refills;

    /// <summary>Starts making a pair of <paramref name="group"/> unless one is ready or on its way; completes when it is ready.</summary>
    public Task Prepare(DhGroup group)
    {
        lock (_gate)
        {
            if (_disposed || _ready.ContainsKey(group.Id))
            {
                return Task.CompletedTask;
            }

            if (_making.TryGetValue(group.Id, out Task? making))
            {
                return making;
            }

            Task made = Task.Run(() => Make(group));
            _making[group.Id] = made;
            return made;
        }
    }

    /// <summary>The ready pair of <paramref name="group"/>, now the caller's; null when none is ready.</summary>
    public DhKeyPair? TryTake(DhGroup group)
    {
        DhKeyPair? pair;
        lock (_gate)
        {
            _ready.Remove(group.Id, out pair);
        }

        if (pair is not null && refills)
        {
            _ = Prepare(group);
        }

        return pair;
    }

    /// <summary>Wipes the pairs nobody took.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            foreach (DhKeyPair pair in _ready.Values)
            {
                pair.Dispose();
            }

            _ready.Clear();
        }
    }

    private void Make(DhGroup group)
    {
        DhKeyPair? pair = DiffieHellman.GenerateKeyPair(group, random);
        lock (_gate)
        {
            _making.Remove(group.Id);
            if (!_disposed && _ready.TryAdd(group.Id, pair))
            {
                pair = null;
            }
        }

        pair?.Dispose(); // disposed meanwhile
    }
}
