using System.Diagnostics;

namespace SecureChat.Bench;

/// <summary>
/// Counts messages as a receiver sees them and completes when a target, set once the sender knows how many it
/// sent, is reached. Thread-safe: <see cref="OnReceived"/> may run on any thread and never blocks.
/// </summary>
internal sealed class ReceiveCounter
{
    private long _received;
    private long _target = long.MaxValue;
    private TaskCompletionSource<long> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public long Received => Interlocked.Read(ref _received);

    /// <summary>Only between phases, when nothing is in flight.</summary>
    public void Reset()
    {
        Interlocked.Exchange(ref _received, 0);
        Interlocked.Exchange(ref _target, long.MaxValue);
        _done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void OnReceived()
    {
        // Both sides use full fences (Interlocked), so either this thread sees the target or the sender sees
        // the final count: the completion cannot be missed.
        if (Interlocked.Increment(ref _received) >= Interlocked.Read(ref _target))
        {
            _done.TrySetResult(Stopwatch.GetTimestamp());
        }
    }

    /// <summary>Waits until <paramref name="sent"/> messages have arrived; returns the timestamp of the last.</summary>
    public async Task<long> WaitForAsync(long sent, TimeSpan timeout)
    {
        Interlocked.Exchange(ref _target, sent);
        if (Interlocked.Read(ref _received) >= sent)
        {
            _done.TrySetResult(Stopwatch.GetTimestamp());
        }

        return await _done.Task.WaitAsync(timeout).ConfigureAwait(false);
    }
}
