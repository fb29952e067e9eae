using System.Collections.Concurrent;
using SecureChat.Engine.Session;

namespace SecureChat.Engine.Transport;

/// <summary>
/// Who may start a handshake on the hub (wireguard-go's <c>cookie.go</c> role): a bound on connections still in the
/// handshake and on peers; at the bound it makes room by evicting the oldest connection that has not yet sent a
/// complete ClientHello, and refuses the newcomer as busy only when nobody can be evicted. Per-source limits and
/// the client puzzle belong here. Thread-safe.
/// </summary>
internal sealed class Admission(ChatOptions options)
{
    private readonly ConcurrentDictionary<int, SessionHost> _handshaking = new();

    /// <summary>
    /// Registers a new link as handshaking; returns false when it must be refused as busy (after trying to evict an
    /// idle one). <paramref name="connected"/> is the number of links the hub has now, this one excluded.
    /// </summary>
    public bool TryAdmit(SessionHost link, int connected)
    {
        if (_handshaking.Count >= options.MaxPendingHandshakes || connected >= options.MaxPeers)
        {
            EvictIdleHandshake();
        }

        bool busy = _handshaking.Count >= options.MaxPendingHandshakes || connected >= options.MaxPeers;
        _handshaking[link.Id] = link;
        return !busy;
    }

    /// <summary>The link left the handshake (secure, closed or failed).</summary>
    public void Completed(SessionHost link) => _handshaking.TryRemove(link.Id, out _);

    /// <summary>
    /// Drops the oldest connection that has not yet sent a complete ClientHello. An honest client sends its
    /// ClientHello at once, so only idle or trickling connections (slowloris) can be dropped, and a flood of them
    /// cannot lock honest clients out.
    /// </summary>
    private void EvictIdleHandshake()
    {
        SessionHost? idle = _handshaking.Values.OrderBy(l => l.Id).FirstOrDefault(l => l.Stage == SessionStage.Connected);
        if (idle is not null)
        {
            _handshaking.TryRemove(idle.Id, out _);
            idle.Fail(FailureReason.ServerBusy);
        }
    }
}
