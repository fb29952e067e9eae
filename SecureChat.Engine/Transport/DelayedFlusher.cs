using System.Collections.Concurrent;

namespace SecureChat.Engine.Transport;

/// <summary>
/// One timer for every link that holds something back for a while (presence notices, an acknowledgement): a link
/// scheduled is flushed once the delay has passed, however many times it was scheduled meanwhile (at worst once more),
/// and the timer is armed only while something waits. Thread-safe.
/// </summary>
internal abstract class DelayedFlusher<T> : IDisposable
    where T : class
{
    private readonly ConcurrentQueue<T> _due = new();
    private readonly TimeSpan _delay;
    private readonly ITimer _timer;
    private int _armed;

    protected DelayedFlusher(TimeSpan delay, TimeProvider time)
    {
        _delay = delay;
        _timer = time.CreateTimer(_ => Flush(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The link holds something: it is flushed within the delay.</summary>
    public void Schedule(T link)
    {
        _due.Enqueue(link);
        if (Interlocked.Exchange(ref _armed, 1) == 0)
        {
            _timer.Change(_delay, Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose() => _timer.Dispose();

    /// <summary>The link's turn, on the timer's thread.</summary>
    protected abstract void FlushOne(T link);

    private void Flush()
    {
        Volatile.Write(ref _armed, 0); // a link scheduled from now on arms the timer again (at worst one flush more)
        for (int n = _due.Count; n > 0 && _due.TryDequeue(out T? link); n--)
        {
            FlushOne(link);
        }

        if (!_due.IsEmpty && Interlocked.Exchange(ref _armed, 1) == 0)
        {
            _timer.Change(_delay, Timeout.InfiniteTimeSpan);
        }
    }
}
