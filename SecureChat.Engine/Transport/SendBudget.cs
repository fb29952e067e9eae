namespace SecureChat.Engine.Transport;

/// <summary>
/// One peer's output budget: the bytes sealed (or, for presence notices, held to be sealed) for the peer and not yet
/// written to its socket — the batch the writer holds plus what the session has written since plus held notices —
/// whatever the record type (chat, relayed chat, presence, nick, rekey, close). A local sender waits while more
/// than <see cref="ChatOptions.SendBufferLimit"/> is unsent; the hub drops a peer whose backlog reaches
/// <see cref="ChatOptions.PeerOutput"/> (or its fair share while the server-wide budget is spent, see
/// <see cref="ServerOutputBudget"/>) instead of holding everyone up or growing without bound. Not thread-safe: used
/// under the link's lock; the returned completion sources are completed by the caller outside it.
/// </summary>
internal sealed class SendBudget(int sendLimit, int peerLimit, ServerOutputBudget? server = null)
{
    private int _inFlight;
    private int _reported;
    private TaskCompletionSource? _drained;

    /// <summary>Bytes the writer holds plus <paramref name="pending"/> (what the link holds and has not handed out).</summary>
    public int Unsent(int pending) => _inFlight + pending;

    /// <summary>True when a local send may seal now.</summary>
    public bool CanSend(int pending) => Unsent(pending) < sendLimit;

    /// <summary>True when the peer's backlog is past its own budget (it is not reading).</summary>
    public bool OverRelayLimit(int pending) => Unsent(pending) >= peerLimit;

    /// <summary>
    /// True when nothing more may be queued for this peer without anyone waiting: its own budget is spent, or the
    /// server's is and this peer holds at least its fair share of it.
    /// </summary>
    public bool MustDrop(int pending) =>
        OverRelayLimit(pending) || (server is { IsSpent: true } && Unsent(pending) >= server.FairShare);

    /// <summary>Tells the server-wide budget this peer's current backlog.</summary>
    public void Report(int pending)
    {
        if (server is not null)
        {
            int now = Unsent(pending);
            if (now != _reported)
            {
                server.Add(now - _reported);
                _reported = now;
            }
        }
    }

    /// <summary>The link is gone: its backlog no longer counts against the server.</summary>
    public void Release()
    {
        server?.Add(-_reported);
        _reported = 0;
        _inFlight = 0;
    }

    /// <summary>A task that completes when the backlog has fallen to half the send limit (or the link ended).</summary>
    public Task WaitForRoom() => (_drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>The writer took a batch of <paramref name="count"/> bytes.</summary>
    public void Taken(int count) => _inFlight = count;

    /// <summary>The writer finished its batch; returns the waiters to release, if the backlog has fallen far enough.</summary>
    public TaskCompletionSource? Written(int pending)
    {
        _inFlight = 0;
        Report(pending);
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
