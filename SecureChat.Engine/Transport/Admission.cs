using System.Collections.Concurrent;
using SecureChat.Engine.Session;

namespace SecureChat.Engine.Transport;

/// <summary>
/// Who may start a handshake on the hub, and for how long (OpenSSH's MaxStartups and PerSourceMaxStartups,
/// wireguard-go's handshake limits): a bound on connections still in the handshake from one source prefix
/// (<see cref="SourcePrefix"/>) and in all, a bound on peers from one prefix (handshaking or secure), the server-wide
/// budget of failed confirmations (<see cref="ConfirmationBudget"/>), a random early drop between
/// <see cref="ChatOptions.EarlyDropStart"/> and the full bound, a deadline per handshake step armed at admission (<see cref="LinkTimers"/>: a connection that owes the next message
/// and has not sent it whole <see cref="ChatOptions.HandshakeStepTimeout"/> after the step began is dropped, however
/// many bytes it trickled),
/// and eviction of the connection whose step has kept the server waiting longest: at the full bound, and below it
/// for a newcomer the early drop would refuse when that step has lasted a fifth of the step deadline. A connection
/// the server has started deriving keys for, or whose bytes wait unread (the server is behind, not the client), is
/// never evicted, so stalls cannot push out honest handshakes the server already spent work on. The proof of work
/// (<see cref="PuzzleGate"/>) sits in front of the costly step. Thread-safe.
/// </summary>
internal sealed class Admission
{
    private readonly ChatOptions _options;
    private readonly ConcurrentDictionary<int, Link> _handshaking = new();
    private readonly Dictionary<SourcePrefix, int> _peersByPrefix = [];
    private readonly Dictionary<int, SourcePrefix> _admittedPrefix = [];
    private readonly ConfirmationBudget? _guesses;

    /// <param name="guesses">Server with a passphrase: the server-wide budget of failed confirmations; while it is overdrawn newcomers are refused as busy.</param>
    public Admission(ChatOptions options, ConfirmationBudget? guesses = null)
    {
        _options = options;
        _guesses = guesses;
    }

    /// <summary>Connections in the handshake now.</summary>
    public int Pending => _handshaking.Count;

    /// <summary>
    /// Registers a new link as handshaking unless it must be refused: its source prefix already has the most handshakes
    /// or the most peers allowed, or the server-wide budget of failed confirmations is overdrawn, or the hub is full
    /// (after evicting the most stalled one) or drops it early at random (unless a stall makes room for it).
    /// <paramref name="connected"/> is the number of links the hub has now, this one excluded.
    /// </summary>
    public AdmissionVerdict TryAdmit(Link link, int connected)
    {
        if (link.Prefix is { } prefix &&
            (_handshaking.Values.Count(l => l.Prefix == prefix) >= _options.HandshakesPerSource || PeersFrom(prefix) >= _options.PeersPerSource))
        {
            return AdmissionVerdict.RateLimited;
        }

        if (_guesses?.Refuses(link.Prefix) == true)
        {
            return AdmissionVerdict.Busy;
        }

        bool evicted = false;
        if (_handshaking.Count >= _options.MaxHandshakes || connected >= _options.MaxPeers)
        {
            evicted = EvictMostStalled(TimeSpan.Zero);
        }

        int pending = _handshaking.Count;
        if (pending >= _options.MaxHandshakes || connected >= _options.MaxPeers)
        {
            return AdmissionVerdict.Busy;
        }

        // An eviction made room for this newcomer: the early drop (near 100% just below the bound) must not refuse it
        // the slot, or a stall would be evicted for nothing. Below the bound, a newcomer the early drop would refuse is
        // worth more than a handshake stalled for a fifth of the step deadline (an honest client answers each step
        // within a round trip): otherwise stalls held just below the bound would refuse nearly every newcomer.
        if (!evicted && DropEarly(pending) && !EvictMostStalled(_options.HandshakeStepTimeout / 5))
        {
            return AdmissionVerdict.Busy;
        }

        _handshaking[link.Id] = link;
        link.Timers.WatchSteps(expired => _handshaking.TryRemove(expired.Id, out _)); // the per-step deadline (LinkTimers.OnStepDeadline)
        if (link.Prefix is { } admitted)
        {
            lock (_peersByPrefix)
            {
                _admittedPrefix[link.Id] = admitted;
                _peersByPrefix[admitted] = PeersFrom(admitted) + 1;
            }
        }

        return AdmissionVerdict.Admitted;
    }

    /// <summary>The link left the handshake (secure, closed or failed).</summary>
    public void Completed(Link link) => _handshaking.TryRemove(link.Id, out _);

    /// <summary>The link is gone (its socket closed): its place among its prefix's peers is free.</summary>
    public void Left(Link link)
    {
        Completed(link);
        lock (_peersByPrefix)
        {
            if (_admittedPrefix.Remove(link.Id, out SourcePrefix prefix))
            {
                int left = _peersByPrefix[prefix] - 1;
                if (left == 0)
                {
                    _peersByPrefix.Remove(prefix);
                }
                else
                {
                    _peersByPrefix[prefix] = left;
                }
            }
        }
    }

    /// <summary>Admitted links from <paramref name="prefix"/> not yet gone, handshaking or secure.</summary>
    private int PeersFrom(SourcePrefix prefix)
    {
        lock (_peersByPrefix)
        {
            return _peersByPrefix.GetValueOrDefault(prefix);
        }
    }

    /// <summary>MaxStartups' random early drop: probability rising linearly from EarlyDropPercent at the start to 100% at full.</summary>
    private bool DropEarly(int pending)
    {
        int start = _options.EarlyDropStart;
        int full = _options.MaxHandshakes;
        if (pending < start || start >= full)
        {
            return false;
        }

        double rate = _options.EarlyDropPercent + (100.0 - _options.EarlyDropPercent) * (pending - start) / (full - start);
        return Random.Shared.NextDouble() * 100 < rate;
    }

    /// <summary>
    /// Drops the connection whose current step has waited for its message longest, if for at least
    /// <paramref name="stalledFor"/>: never one the server is working for or has derived keys for, nor one whose bytes
    /// wait unread. False when there is none.
    /// </summary>
    private bool EvictMostStalled(TimeSpan stalledFor)
    {
        long now = _options.Time.GetTimestamp();
        Link? stalled = _handshaking.Values
            .Where(l => l.AwaitingPeer && !l.DerivationStarted && _options.Time.GetElapsedTime(l.StepStarted, now) >= stalledFor)
            .OrderBy(l => l.StepStarted)
            .FirstOrDefault(l => !l.PeerBytesWaiting);
        if (stalled is not null)
        {
            _handshaking.TryRemove(stalled.Id, out _);
            stalled.Fail(FailureReason.ServerBusy);
            return true;
        }

        return false;
    }
}
