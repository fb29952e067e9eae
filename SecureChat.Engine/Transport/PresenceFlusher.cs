using System.Collections.Concurrent;

namespace SecureChat.Engine.Transport;

/// <summary>
/// Hub: sends each link's held presence notices (joined, left, renamed) at most once per
/// <see cref="ChatOptions.PresenceDelay"/>, so the joins, renames and leaves of that time reach a member in one socket
/// write instead of one write each. Without it a hub of 10,000 members filling at 30 joins a second writes every
/// member 30 times a second (300,000 writes a second for presence alone). Chat never waits: a link seals its held
/// notices before any other record (see <see cref="PresenceBacklog"/>). Thread-safe.
/// </summary>
internal sealed class PresenceFlusher : IDisposable
{
    private readonly ConcurrentQueue<IHeldPresence> _due = new();
    private readonly TimeSpan _delay;
    private readonly ITimer _timer;
    private int _armed;

    public PresenceFlusher(TimeSpan delay, TimeProvider time)
    {
        _delay = delay;
        _timer = time.CreateTimer(_ => Flush(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The link started holding notices: its writer is woken within the delay (once, however many more it gets meanwhile).</summary>
    public void Schedule(IHeldPresence link)
    {
        _due.Enqueue(link);
        if (Interlocked.Exchange(ref _armed, 1) == 0)
        {
            _timer.Change(_delay, Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose() => _timer.Dispose();

    private void Flush()
    {
        Volatile.Write(ref _armed, 0); // a link scheduled from now on arms the timer again (at worst one flush more)
        for (int n = _due.Count; n > 0 && _due.TryDequeue(out IHeldPresence? link); n--)
        {
            link.FlushHeldPresence();
        }

        if (!_due.IsEmpty && Interlocked.Exchange(ref _armed, 1) == 0)
        {
            _timer.Change(_delay, Timeout.InfiniteTimeSpan);
        }
    }
}
