using System.Collections.Concurrent;

namespace SecureChat.Engine.Transport;

/// <summary>
/// Hub: sends each link's held acknowledgement once <see cref="ChatOptions.AckDelay"/> has passed with nothing else
/// to send it with (PROTOCOL.md 4.7). An Ack a read calls for waits for the next output to that member (an answer, a
/// relay, a notice) and goes out in the same socket write, like TCP's delayed ACK: a message answered within the
/// delay costs the member one read instead of two. One timer serves every link. Thread-safe.
/// </summary>
internal sealed class AckFlusher : IDisposable
{
    private readonly ConcurrentQueue<IHeldAck> _due = new();
    private readonly TimeSpan _delay;
    private readonly ITimer _timer;
    private int _armed;

    public AckFlusher(TimeSpan delay, TimeProvider time)
    {
        _delay = delay;
        _timer = time.CreateTimer(_ => Flush(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The link holds an Ack: it is sent within the delay (at most, and sooner with any other output).</summary>
    public void Schedule(IHeldAck link)
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
        for (int n = _due.Count; n > 0 && _due.TryDequeue(out IHeldAck? link); n--)
        {
            link.FlushHeldAck();
        }

        if (!_due.IsEmpty && Interlocked.Exchange(ref _armed, 1) == 0)
        {
            _timer.Change(_delay, Timeout.InfiniteTimeSpan);
        }
    }
}
