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
    private readonly Queue<SessionEvent> _queue = new(); // under its own lock: a hub keeps one per link, and a concurrent queue starts at 800 bytes
    private readonly TaskCompletionSource _established = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _dispatching;

    /// <summary>Completes when the session is secure; faults with <see cref="ChatConnectionException"/> when it ends first.</summary>
    public Task Established => _established.Task;

    public void Enqueue(SessionEvent e)
    {
        lock (_queue)
        {
            _queue.Enqueue(e);
        }
    }

    /// <summary>Raises queued events in order; returns at once when another thread is already doing it.</summary>
    public void Dispatch()
    {
        while (HasQueued)
        {
            if (Interlocked.CompareExchange(ref _dispatching, 1, 0) != 0)
            {
                return;
            }

            try
            {
                while (TryDequeue(out SessionEvent? e))
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

    /// <summary>True while events wait to be raised.</summary>
    public bool HasQueued
    {
        get
        {
            lock (_queue)
            {
                return _queue.Count > 0;
            }
        }
    }

    private bool TryDequeue([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SessionEvent? e)
    {
        lock (_queue)
        {
            return _queue.TryDequeue(out e);
        }
    }
}
