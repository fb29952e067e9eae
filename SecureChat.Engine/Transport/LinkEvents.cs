using System.Collections.Concurrent;
using SecureChat.Engine.Session;

namespace SecureChat.Engine.Transport;

/// <summary>
/// The in-order delivery of one link's session events to its owner: queued under the link's lock, raised outside
/// every lock by one thread at a time (whoever queued finds the queue empty, or another thread already draining it),
/// so handlers may call back into this or any other link. Completes the link's Established task as events pass.
/// Thread-safe.
/// </summary>
internal sealed class LinkEvents(SessionHost link, Action<SessionHost, SessionEvent> handler)
{
    private readonly ConcurrentQueue<SessionEvent> _queue = new();
    private readonly TaskCompletionSource _established = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _dispatching;

    /// <summary>Completes when the session is secure; faults with <see cref="ChatConnectionException"/> when it ends first.</summary>
    public Task Established => _established.Task;

    public void Enqueue(SessionEvent e) => _queue.Enqueue(e);

    /// <summary>Raises queued events in order; returns at once when another thread is already doing it.</summary>
    public void Dispatch()
    {
        while (!_queue.IsEmpty)
        {
            if (Interlocked.CompareExchange(ref _dispatching, 1, 0) != 0)
            {
                return;
            }

            try
            {
                while (_queue.TryDequeue(out SessionEvent? e))
                {
                    // The owner reacts first (a client sends its Nick on Established), so whoever awaits
                    // Established can only send after that.
                    handler(link, e);
                    switch (e)
                    {
                        case EstablishedEvent:
                            _established.TrySetResult();
                            break;
                        case FailedEvent failed:
                            _established.TrySetException(new ChatConnectionException(failed.Failure));
                            break;
                        case ClosedEvent:
                            _established.TrySetException(new ChatConnectionException(SessionFailure.Create(FailureReason.ConnectionLost)));
                            break;
                    }
                }
            }
            finally
            {
                Volatile.Write(ref _dispatching, 0);
            }
        }
    }
}
