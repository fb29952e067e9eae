using System.Threading.Tasks.Sources;

namespace SecureChat.Engine.Transport;

/// <summary>
/// Wakes one waiting loop (a link's writer): any number of <see cref="Set"/> calls from any thread before the next
/// <see cref="WaitAsync"/> count as one. The waiter's continuation runs on the thread pool, or, when the caller asks,
/// on the caller's own thread up to the waiter's next wait that does not complete at once (a hub's relay loop writes
/// each peer's record itself instead of waking a pool thread per peer). About 100 bytes per link, where a one-slot
/// channel took 500. Thread-safe for one waiter; call <see cref="Set"/> outside any lock the waiter takes.
/// </summary>
internal sealed class WakeSignal : IValueTaskSource
{
    private const int Idle = 0;
    private const int Signaled = 1;
    private const int Waiting = 2;

    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private int _state;

    /// <summary>Wakes the waiter, or the next wait when nobody waits now.</summary>
    /// <param name="runWaiterHere">Run a waiting waiter's continuation on this thread, before this call returns.</param>
    public void Set(bool runWaiterHere = false)
    {
        while (true)
        {
            switch (Volatile.Read(ref _state))
            {
                case Signaled:
                    return;
                case Idle when Interlocked.CompareExchange(ref _state, Signaled, Idle) == Idle:
                    return;
                case Waiting when Interlocked.CompareExchange(ref _state, Idle, Waiting) == Waiting:
                    // Only the thread that won the waiter gets here, so the flag is its own until the next wait.
                    _core.RunContinuationsAsynchronously = !runWaiterHere;
                    _core.SetResult(true);
                    return;
            }
        }
    }

    /// <summary>Completes at the first <see cref="Set"/> since the last wait ended (at once if there was one). One waiter at a time.</summary>
    public ValueTask WaitAsync()
    {
        if (Interlocked.CompareExchange(ref _state, Idle, Signaled) == Signaled)
        {
            return ValueTask.CompletedTask;
        }

        _core.Reset();
        if (Interlocked.CompareExchange(ref _state, Waiting, Idle) == Idle)
        {
            return new ValueTask(this, _core.Version);
        }

        // Set between the two steps: it left the state Signaled.
        Volatile.Write(ref _state, Idle);
        return ValueTask.CompletedTask;
    }

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
