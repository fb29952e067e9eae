namespace SecureChat.Engine.Transport;

/// <summary>
/// Accounts for the bytes sealed for one peer and not yet written to its socket (the batch the writer holds plus
/// what the session has written since), so a local sender can wait while more than
/// <see cref="ChatOptions.SendBufferLimit"/> is unsent, and the hub can drop a peer whose backlog passes
/// <see cref="ChatOptions.RelayBufferLimit"/> instead of holding everyone up. Not thread-safe: used under the
/// link's lock; the returned completion sources are completed by the caller outside it.
/// </summary>
internal sealed class SendBudget(int sendLimit, int relayLimit)
{
    private int _inFlight;
    private TaskCompletionSource? _drained;

    /// <summary>Bytes the writer holds plus <paramref name="pending"/> (what the session has written and not handed out).</summary>
    public int Unsent(int pending) => _inFlight + pending;

    /// <summary>True when a local send may seal now.</summary>
    public bool CanSend(int pending) => Unsent(pending) < sendLimit;

    /// <summary>True when the peer's backlog is past the relay limit (it is not reading).</summary>
    public bool OverRelayLimit(int pending) => Unsent(pending) >= relayLimit;

    /// <summary>A task that completes when the backlog has fallen to half the send limit (or the link ended).</summary>
    public Task WaitForRoom() => (_drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>The writer took a batch of <paramref name="count"/> bytes.</summary>
    public void Taken(int count) => _inFlight = count;

    /// <summary>The writer finished its batch; returns the waiters to release, if the backlog has fallen far enough.</summary>
    public TaskCompletionSource? Written(int pending)
    {
        _inFlight = 0;
        return Unsent(pending) < sendLimit / 2 + 1 ? ReleaseWaiters() : null;
    }

    /// <summary>Returns every waiter (the link ended: they find out from the session).</summary>
    public TaskCompletionSource? ReleaseWaiters()
    {
        TaskCompletionSource? drained = _drained;
        _drained = null;
        return drained;
    }
}
