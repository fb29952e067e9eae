using SecureChat.Engine.Session;

namespace SecureChat.Engine.Transport;

/// <summary>
/// What ends a link whose peer does not keep up: chosen by the server-wide output budget, a socket write that waited
/// past <see cref="ChatOptions.WriteTimeout"/>, pending Parts that held the hub's Parts bound stalled
/// (<see cref="PartBudget"/>), or the session's own idle limit; and when the next of these falls due.
/// </summary>
internal sealed partial class Link : IPartHolder
{
    /// <summary>The hub's <see cref="PartBudget"/> chose this peer to close: its Parts held the bound spent too long.</summary>
    void IPartHolder.DropForParts(string detail) => Run(s =>
    {
        if (!s.IsEnded)
        {
            s.Fail(FailureReason.PartsStalled, detail);
        }
    });

    /// <summary>The server-wide output budget chose this peer to drop, to make room for peers that read.</summary>
    private void DropForServerBudget() => Run(s =>
    {
        if (s.IsSecure)
        {
            DroppedForServerBudget = true;
            s.Fail(FailureReason.PeerTooSlow, "dropped among the largest or stalled holders of the server's output budget");
        }
    });

    /// <summary>
    /// <see cref="LinkTimers"/>' keepalive hook: fails a link whose socket write has waited
    /// <see cref="ChatOptions.WriteTimeout"/>, else lets the session drop an idle peer, send a heartbeat or start a
    /// rekey by age (<see cref="SecureSession.OnTick"/>). Returns how long until the next of these falls due; null
    /// once the link is no longer secure.
    /// </summary>
    internal TimeSpan? OnKeepaliveDue(long now)
    {
        TimeSpan? next = null;
        Run(s =>
        {
            if (_connection?.WriteStalled(_options.WriteTimeout, _options.Time) == true)
            {
                s.Fail(FailureReason.PeerTooSlow, $"nothing written for {_options.WriteTimeout.TotalSeconds:0.#} s");
            }
            else
            {
                // Bytes from the peer waiting unread in the socket mean this side is behind (its reader held by a slow
                // handler, or waiting its turn on an overloaded thread pool), not that the peer is idle.
                s.OnTick(now, PeerBytesWaiting);
            }

            next = KeepaliveDueInLocked(now);
        });
        return next;
    }

    /// <summary>Under the lock: how long after <paramref name="now"/> the first keepalive deadline falls due (the write timeout included); null when not secure.</summary>
    private TimeSpan? KeepaliveDueInLocked(long now)
    {
        TimeSpan? due = _session.TimersDueIn(now);
        if (due is { } d && _connection?.WriteStartedAt is long started and not 0)
        {
            TimeSpan write = _options.WriteTimeout - _options.Time.GetElapsedTime(started, now);
            return write < d ? write : d;
        }

        return due;
    }
}
