namespace SecureChat.Engine.Transport;

/// <summary>
/// One peer's output budget: the bytes sealed (or, for presence notices, held to be sealed) for the peer and not yet
/// written to its socket — the batch the writer holds plus what the session has written since plus held notices —
/// whatever the record type (chat, relayed chat, presence, nick, rekey, close). A local sender waits while more
/// than <see cref="ChatOptions.SendBufferLimit"/> is unsent; the hub drops a peer whose backlog reaches
/// <see cref="ChatOptions.PeerOutput"/> instead of holding everyone up or growing without bound, and while the
/// server-wide budget is spent (see <see cref="ServerOutputBudget"/>) a record for a peer at or past its fair share
/// is given only on room lent against a peer the server chose to drop (which may be this peer). Not thread-safe,
/// except <see cref="Held"/>, <see cref="IsStalled"/>, <see cref="IsCondemned"/> and <see cref="Condemn"/>, which the
/// server-wide budget uses from other links: used under the link's lock; the returned completion sources are
/// completed by the caller outside it.
/// </summary>
internal sealed class SendBudget(int sendLimit, int peerLimit, ServerOutputBudget? server = null)
{
    private const int Live = 0;
    private const int Condemned = 1;
    private const int Released = 2;

    /// <summary>The most one record takes on the wire: what a record given on lent room is charged.</summary>
    private const int MaxRecord = Protocol.WireFormat.FrameHeaderSize + Protocol.WireFormat.FrameBodyMax;

    private int _inFlight;
    private int _reported; // Interlocked: read by other links through the server-wide budget
    private readonly object _stateGate = new(); // a leaf lock: nothing is called under it that takes another
    private volatile int _state; // Live, Condemned (chosen to be dropped, its bytes still held), Released
    private int _credit; // what this peer held when condemned: the room lent against it until it is released
    private bool _joined; // entered in the server-wide budget's choice (under _stateGate)
    private PrefixShare? _share; // the sum of this peer's source prefix it counts in while live and joined
    private TaskCompletionSource? _drained;
    private Func<TimeSpan>? _waited;
    private Action? _drop;

    /// <summary>The source prefix the server-wide budget shares by (null until <see cref="Attach"/>).</summary>
    public SourcePrefix? Prefix { get; private set; }

    /// <summary>What this peer counts against the server-wide budget now (any thread).</summary>
    public int Held => Volatile.Read(ref _reported);

    /// <summary>What this peer's source prefix holds over its live peers; without a prefix, what this peer holds (any thread).</summary>
    public long PrefixHeld => _share?.Held ?? Held;

    /// <summary>How long the output owed to this peer has waited for its socket to take any of it; zero when nothing is owed (any thread).</summary>
    public TimeSpan Waited => _waited?.Invoke() ?? TimeSpan.Zero;

    /// <summary>True when the peer's socket has taken nothing for <see cref="ServerOutputBudget.StalledAfter"/> (any thread).</summary>
    public bool IsStalled => Waited >= ServerOutputBudget.StalledAfter;

    /// <summary>True once the server-wide budget chose this peer to drop, or the link is gone (any thread).</summary>
    public bool IsCondemned => _state != Live;

    /// <summary>
    /// Hub: enters this peer in the server-wide budget's choice of whom to drop, under <paramref name="prefix"/>;
    /// <paramref name="waited"/> says how long the output owed has waited for the socket to take any of it (zero when none), <paramref name="drop"/>
    /// fails it (called on the thread pool, under no lock).
    /// </summary>
    public void Attach(SourcePrefix? prefix, Func<TimeSpan> waited, Action drop)
    {
        Prefix = prefix;
        _waited = waited;
        _drop = drop;
        if (server is not null)
        {
            lock (_stateGate)
            {
                if (_state == Live && !_joined)
                {
                    _joined = true;
                    _share = server.Join(this, prefix, Held);
                }
            }
        }
    }

    /// <summary>Bytes the writer holds plus <paramref name="pending"/> (what the link holds and has not handed out).</summary>
    public int Unsent(int pending) => _inFlight + pending;

    /// <summary>True when a local send may seal now.</summary>
    public bool CanSend(int pending) => Unsent(pending) < sendLimit;

    /// <summary>True when the peer's backlog is past its own budget (it is not reading).</summary>
    public bool OverRelayLimit(int pending) => Unsent(pending) >= peerLimit;

    /// <summary>
    /// True when nothing more may be queued for this peer without anyone waiting: its own budget is spent, it was
    /// chosen to be dropped, or the server's budget is spent, this peer holds at least its fair share, and no room can
    /// be lent for its next record.
    /// </summary>
    /// <remarks>
    /// While the server-wide budget is spent and this peer holds its fair share or more, each record for it first has
    /// the server choose whom to drop (see <see cref="ServerOutputBudget.ChooseDrop"/>): another peer is condemned
    /// (failed shortly after, on the thread pool; its bytes go on counting until its link is gone). The record is then
    /// given only on room lent against the condemned peers not gone yet (see <see cref="ServerOutputBudget.TryLend"/>);
    /// without it, this peer is dropped. So the stalled and largest holders are dropped before a peer that keeps
    /// reading, as fast as records for peers past their fair share come, and the room a reader is given while they
    /// close is never counted twice.
    /// </remarks>
    public bool MustDrop(int pending)
    {
        if (OverRelayLimit(pending) || IsCondemned)
        {
            return true;
        }

        if (server is not { IsSpent: true } || Unsent(pending) < server.FairShare)
        {
            return false;
        }

        Report(pending);
        while (server.IsSpent)
        {
            SendBudget victim = server.ChooseDrop(this);
            if (!ReferenceEquals(victim, this))
            {
                victim.Condemn(); // a no-op when another link condemned it or it left first: either way it is no longer a candidate
            }

            switch (server.TryLend(MaxRecord))
            {
                case LendResult.Lent:
                    return false;
                case LendResult.Exhausted:
                    return true;
            }

            if (ReferenceEquals(victim, this))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The server-wide budget chose this peer to drop (from another link's thread): what it holds now is lent to
    /// others until its link is gone (its bytes go on counting until then), and the link is failed on the thread pool,
    /// where no other link's lock is held.
    /// </summary>
    public void Condemn()
    {
        lock (_stateGate)
        {
            if (_state != Live)
            {
                return;
            }

            _state = Condemned;
            _credit = Held;
            server?.AddFreeing(_credit);
            if (_joined)
            {
                server?.Moved(this, _share, _credit, 0); // no longer a candidate, nor counted in its prefix's sum
            }
        }

        if (_drop is { } drop)
        {
            ThreadPool.QueueUserWorkItem(static d => d(), drop, preferLocal: false);
        }
    }

    /// <summary>Tells the server-wide budget this peer's current backlog.</summary>
    public void Report(int pending)
    {
        if (server is not null)
        {
            int now = Unsent(pending);
            if (now == Volatile.Read(ref _reported))
            {
                return;
            }

            lock (_stateGate)
            {
                int before = Interlocked.Exchange(ref _reported, now);
                server.Add(now - before);
                if (_joined && _state == Live)
                {
                    server.Moved(this, _share, before, now);
                }
            }
        }
    }

    /// <summary>
    /// The link is gone (its socket closed, its session's buffers returned): its backlog no longer counts against the
    /// server, and the room lent against it is settled.
    /// </summary>
    public void Release()
    {
        lock (_stateGate)
        {
            if (_state == Condemned)
            {
                server?.Settle(_credit);
            }

            int held = Interlocked.Exchange(ref _reported, 0);
            server?.Add(-held);
            if (_joined)
            {
                if (_state == Live)
                {
                    server?.Moved(this, _share, held, 0);
                }

                server?.Leave(Prefix, _share);
                _joined = false;
                _share = null;
            }

            _state = Released;
        }

        _inFlight = 0;
    }

    /// <summary>A task that completes when the backlog has fallen to half the send limit (or the link ended).</summary>
    public Task WaitForRoom() => (_drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>The writer took a batch of <paramref name="count"/> bytes.</summary>
    public void Taken(int count) => _inFlight = count;

    /// <summary>The writer finished its batch; returns the waiters to release, if the backlog has fallen far enough.</summary>
    public TaskCompletionSource? Written(int pending)
    {
        server?.Sent(_inFlight);
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
