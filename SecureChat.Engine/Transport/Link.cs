using System.Buffers;
using System.Net;
using System.Net.Sockets;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;

namespace SecureChat.Engine.Transport;

/// <summary>
/// One link: a <see cref="SecureSession"/> with its <see cref="ChatChannel"/> behind one lock, driven by a
/// <see cref="Connection"/> (the socket loops). It runs the session's jobs outside the lock (key-pair precomputation,
/// PBKDF2 under the server's concurrency gate, rekey exponentiations on the thread pool), enforces the handshake
/// deadline, ticks the session's timers once secure, accounts for unsent bytes (<see cref="SendBudget"/>), and
/// dispatches the session's events in order.
/// </summary>
/// <remarks>
/// Thread-safe. Every session call happens under <c>_gate</c>; events are queued under it and dispatched outside it
/// by one thread at a time, so handlers may call back into this or any other link.
/// </remarks>
internal sealed class Link
{
    /// <summary>The longest a derivation waits for the writer to send what precedes it (a stalled socket must not hold it).</summary>
    private static readonly TimeSpan s_writeBeforeDerivationMax = TimeSpan.FromMilliseconds(100);

    private readonly SecureSession _session;
    private readonly ChatChannel _chat;
    private readonly ChatOptions _options;
    private readonly LinkJobs _jobs;
    private readonly LinkEvents _events;
    private readonly object _gate = new();
    private readonly List<SessionEvent> _drain = [];
    private readonly SendBudget _budget;
    private readonly PresenceBacklog _presence = new();
    private readonly Socket _socket;
    private Connection? _connection;
    private CancellationTokenSource? _handshakeDeadline;
    private ITimer? _ticks;
    private bool _endSeen;
    private volatile bool _flushWanted;
    private readonly WriteScheduler? _writeScheduler;
    private bool _abortPending;
    private readonly PresenceFlusher? _presenceFlusher;
    private bool _presenceScheduled;
    private volatile PeerInfo? _snapshot;
    private string _name;
    private long _stepStarted;
    private volatile bool _deriving;
    private volatile bool _derivationStarted;
    private TaskCompletionSource? _written;

    /// <summary>
    /// A client (no derivation gate) sends what precedes its derivation first: its Reveal is what lets the server start
    /// deriving. A server's derivation comes after everything an honest client needs, and takes its place in the
    /// gate's queue at once.
    /// </summary>
    private readonly bool _writeBeforeDeriving;

    /// <param name="rekeyJobRun">Told each time one of this link's rekey exponentiation jobs runs (see <see cref="LinkJobs"/>).</param>
    /// <param name="presenceFlusher">Hub: sends held presence notices in batches (see <see cref="PresenceFlusher"/>); null sends them at once.</param>
    /// <param name="writeScheduler">Hub: sends the link's output (see <see cref="WriteScheduler"/>); null sends it on the thread that sealed it.</param>
    public Link(int id, Socket socket, SessionSettings settings, ChatOptions options, DerivationGate? derivationGate, Action<Link, SessionEvent> onEvent, string name, ServerOutputBudget? serverBudget = null, Action? rekeyJobRun = null, PresenceFlusher? presenceFlusher = null, WriteScheduler? writeScheduler = null)
    {
        _writeScheduler = writeScheduler;
        _presenceFlusher = presenceFlusher;
        Id = id;
        _socket = socket;
        RemoteEndPoint = socket.RemoteEndPoint as IPEndPoint ?? new IPEndPoint(IPAddress.None, 0);
        _session = new SecureSession(settings);
        _chat = new ChatChannel(_session);
        _options = options;
        _jobs = new LinkJobs(_gate, _session, derivationGate, Run, rekeyJobRun);
        _writeBeforeDeriving = derivationGate is null;
        _events = new LinkEvents(this, onEvent, options.ReceiveQueueLimit, serverBudget);
        _budget = new SendBudget(options.SendBufferLimit, options.RelayBufferLimit, serverBudget);
        Renames = new NickRateLimit(options.NickChangeBurst, options.NickChangeInterval, options.Time);
        NickRecords = new NickRateLimit(options.NickFloodBurst, options.NickFloodInterval, options.Time);
        _name = name;
        _stepStarted = options.Time.GetTimestamp(); // the hub admits a link before it starts it: the step deadline counts from here, not from the clock's zero
        Prefix = SourceAddress is { } address ? new SourcePrefix(address) : null;
    }

    public int Id { get; }

    /// <summary>The peer's IP address (null when unknown), for per-source limits.</summary>
    public IPAddress? SourceAddress => (RemoteEndPoint as IPEndPoint)?.Address is { } a && !a.Equals(IPAddress.None) ? a : null;

    /// <summary>The network of <see cref="SourceAddress"/> (null when unknown), the key of the per-source limits.</summary>
    public SourcePrefix? Prefix { get; }

    /// <summary>
    /// When the handshake's current step began (the link was made or started, its stage changed, or this side's key
    /// derivation ended): a <see cref="TimeProvider"/> timestamp. Bytes trickled within a step do not move it, so a
    /// peer that sends a byte now and then but never a whole message still stalls.
    /// </summary>
    public long StepStarted => Volatile.Read(ref _stepStarted);

    /// <summary>
    /// This side has begun deriving keys for the peer (queued for or running PBKDF2, or past it): the server has
    /// committed its costliest work to this handshake, so admission never evicts it to make room.
    /// </summary>
    public bool DerivationStarted => _derivationStarted;

    /// <summary>
    /// In the handshake and waiting for the peer's next message (not while this side derives keys): the time a
    /// per-step deadline counts.
    /// </summary>
    public bool AwaitingPeer => !_deriving && Stage is SessionStage.Connected or SessionStage.ExchangingKeys or SessionStage.Confirming;

    /// <summary>
    /// Bytes from the peer wait unread in the socket: the peer has answered and this side is behind (its reader busy or
    /// waiting for a thread), so a deadline for the peer's silence must not count this time against it.
    /// </summary>
    public bool PeerBytesWaiting => Connection.UnreadBytes(_socket) > 0; // the socket, not the connection: also before the reader starts

    /// <summary>The identity the peer proved in the handshake, once secure.</summary>
    public PeerIdentity? Peer => _session.Peer;

    /// <summary>
    /// True once both sides had keys (stage Confirming): a session that ends after this without becoming secure
    /// failed its key confirmation, or its peer gave up after learning that a passphrase guess was wrong.
    /// </summary>
    public bool ReachedConfirmation { get; private set; }

    /// <summary>Why the session failed, once it has.</summary>
    public SessionFailure? Failure => _session.Failure;

    /// <summary>Client: the puzzle the server answered with instead of a ServerHello (the session then ended).</summary>
    public PuzzleMessage? Puzzle => _session.Puzzle;

    /// <summary>Hub: this peer's name changes, its first name included (see <see cref="NickRateLimit"/>).</summary>
    public NickRateLimit Renames { get; }

    /// <summary>Hub: every Nick record this peer sends, refused ones included: a flood far beyond typing ends the link.</summary>
    public NickRateLimit NickRecords { get; }

    /// <summary>The clock the link's deadlines and timers use.</summary>
    internal TimeProvider Time => _options.Time;

    public EndPoint RemoteEndPoint { get; }

    /// <summary>The peer's display name as the owner knows it (set by the owner).</summary>
    public string Name
    {
        get => _name;
        set
        {
            lock (_gate)
            {
                _name = value;
                _snapshot = null;
            }
        }
    }

    /// <summary>Completes when both socket loops have ended and the socket is closed.</summary>
    public Task Completion => _connection?.Completion ?? Task.CompletedTask;

    /// <summary>Completes when the session is secure; faults with <see cref="ChatConnectionException"/> when it ends first.</summary>
    public Task Established => _events.Established;

    public SessionStage Stage
    {
        get
        {
            lock (_gate)
            {
                return _session.Stage;
            }
        }
    }

    public bool IsSecure
    {
        get
        {
            lock (_gate)
            {
                return _session.IsSecure;
            }
        }
    }

    /// <summary>
    /// Records opened from the peer so far (each a sign of life: a message, a notice or a heartbeat); it stops
    /// growing when the link ends. Not in <see cref="Snapshot"/>, which is cached between changes.
    /// </summary>
    public ulong RecordsReceived
    {
        get
        {
            lock (_gate)
            {
                return _session.Records.ReceivedRecords;
            }
        }
    }

    /// <summary>The link as it is now; cached between changes, since every received message carries one.</summary>
    public PeerInfo Snapshot()
    {
        if (_snapshot is { } cached)
        {
            return cached;
        }

        lock (_gate)
        {
            PeerInfo current = new(Id, RemoteEndPoint, _name, _session.Stage, _session.Fingerprint, _session.Sas, _session.Group)
            {
                Identity = _session.Peer?.Fingerprint,
                IdentityKey = _session.Peer?.PublicKey,
                Trust = _session.Peer is null ? null : _session.Trust,
            };
            _snapshot = current;
            return current;
        }
    }

    /// <summary>Starts the socket loops and the handshake deadline; a client session also writes its ClientHello.</summary>
    /// <param name="refusal">
    /// Hub: the link was refused at admission. The session fails with this reason before the reader starts, so its
    /// Alert is the only answer, even to a ClientHello already waiting in the socket.
    /// </param>
    public void Start(FailureReason? refusal = null)
    {
        _connection = new Connection(_socket, this);
        _stepStarted = _options.Time.GetTimestamp();
        _handshakeDeadline = new CancellationTokenSource(_options.HandshakeTimeout, _options.Time);
        _handshakeDeadline.Token.Register(() => Fail(FailureReason.HandshakeTimeout, $"{_options.HandshakeTimeout.TotalSeconds:0.#} s"));
        Run(s =>
        {
            if (refusal is { } reason)
            {
                s.Fail(reason);
            }
            else if (!s.IsEnded) // failed before it started (admission evicted it, or the server is stopping): the loops send the alert
            {
                s.Start();
            }
        });
        _connection.Start();
    }

    /// <summary>Seals a chat message, waiting while more than the send buffer limit is unsent. False once the session ended.</summary>
    public async ValueTask<bool> SendChatAsync(string text, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                if (_session.IsEnded)
                {
                    return false;
                }

                if (_budget.CanSend(PendingLocked))
                {
                    FlushPresenceLocked();
                    if (!_chat.SendChat(text))
                    {
                        throw new ArgumentException($"a message is at most {ChatOptions.MaxMessageBytes} bytes of UTF-8", nameof(text));
                    }

                    CollectLocked();
                    break;
                }

                wait = _budget.WaitForRoom();
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        AfterLock(OutputRoute.Message);
        return true;
    }

    /// <summary>
    /// Relays a chat message without waiting: the operator's own (<paramref name="senderDigest"/> null, a Chat
    /// record) or another member's (a Relay record with its name and identity digest). A peer past its output
    /// budget (or its fair share of a spent server-wide budget) is failed as too slow rather than allowed to hold
    /// everyone else up. False when the
    /// message was not sealed.
    /// </summary>
    public bool TryRelayChat(byte[]? senderDigest, string sender, string text)
    {
        bool sent = false;
        lock (_gate)
        {
            if (!_session.IsSecure)
            {
                return false;
            }

            if (_budget.MustDrop(PendingLocked))
            {
                _session.Fail(FailureReason.PeerTooSlow);
            }
            else
            {
                FlushPresenceLocked();
                sent = senderDigest is null ? _chat.SendChat(text) : _chat.SendRelay(senderDigest, sender, text);
            }

            CollectLocked();
        }

        AfterLock();
        return sent;
    }

    /// <summary>
    /// Hub: tells this peer that <paramref name="subject"/> joined, left or was renamed, without waiting. The notice
    /// is held (and coalesced, see <see cref="PresenceBacklog"/>) until the writer takes output; it counts in the
    /// output budget like a sealed record. False when the session is not secure or the peer was dropped.
    /// </summary>
    public bool TryAnnounce(int subject, PresenceKind kind, byte[] digest, string name, string newName)
    {
        bool held = false;
        lock (_gate)
        {
            if (!_session.IsSecure)
            {
                return false;
            }

            if (_budget.MustDrop(PendingLocked))
            {
                _session.Fail(FailureReason.PeerTooSlow);
            }
            else
            {
                _presence.Add(subject, kind, digest, name, newName);
                held = true;
            }

            CollectLocked();
        }

        AfterLock(OutputRoute.UnderHubLock); // called under the hub's lock: a drop's handlers (a leave, announced in turn) must not run inside it
        return held;
    }

    /// <summary>Runs one chat operation (nick, presence) under the lock when the session is secure; false when it is not.</summary>
    /// <param name="dispatchLater">The caller holds the hub's lock: the link's events are raised on the thread pool, not inside it.</param>
    public bool RunIfSecure(Action<ChatChannel> operation, bool dispatchLater = false)
    {
        lock (_gate)
        {
            if (!_session.IsSecure)
            {
                return false;
            }

            FlushPresenceLocked();
            operation(_chat);
            CollectLocked();
        }

        AfterLock(dispatchLater ? OutputRoute.UnderHubLock : OutputRoute.InTurn);
        return true;
    }

    /// <summary>Starts a rekey; its key generation runs on the thread pool, never on the caller's thread.</summary>
    public bool RequestRekey()
    {
        bool started = false;
        lock (_gate)
        {
            if (_session.IsSecure)
            {
                started = _session.RequestRekey();
                CollectLocked();
            }
        }

        AfterLock();
        return started;
    }

    /// <summary>Closes cleanly (Close record or Alert) and waits for the socket to close.</summary>
    public async Task CloseAsync(AlertCode code = AlertCode.Normal)
    {
        Run(s => s.Close(code));
        await Completion.ConfigureAwait(false);
    }

    /// <summary>Fails the session for a local reason (timeout, busy, too slow); the peer is told where possible.</summary>
    public void Fail(FailureReason reason, string? detail = null) => Run(s => s.Fail(reason, detail));

    // ---- For the connection's loops ---------------------------------------------------------------------------

    /// <summary>Feeds bytes from the socket (or its end, when <paramref name="data"/> is empty); true when the session ended.</summary>
    internal bool OnReceived(ReadOnlySpan<byte> data, out bool derivationPending)
    {
        bool ended;
        lock (_gate)
        {
            if (_session.IsEnded)
            {
                // Ended before it started (refused at admission) or while this read was under way: the bytes are
                // discarded like everything the linger reads, and the writer still sends the Alert or Close.
            }
            else if (data.IsEmpty)
            {
                _session.PeerDisconnected();
            }
            else
            {
                _session.Receive(data);
            }

            derivationPending = _session.KeyDerivationPending;
            _deriving = derivationPending;
            _derivationStarted |= derivationPending;
            CollectLocked();
            ended = _session.IsEnded;
        }

        AfterLock(OutputRoute.OwnLink);
        return ended;
    }

    internal void OnDisconnected() => Run(s => s.PeerDisconnected());

    /// <summary>
    /// True when the link's received events hold more than <see cref="ChatOptions.ReceiveQueueLimit"/>: the reader
    /// reads nothing more until <paramref name="room"/> completes (TCP then holds the peer back).
    /// </summary>
    internal bool ReceiveQueueFull(out Task room) => _events.Full(out room);

    /// <summary>
    /// How many bytes the reader may read next (at most <paramref name="max"/>): the events of one read hold at most
    /// <see cref="ReceiveCostPerByte"/> times its size, so a read never takes the queue far past its limit.
    /// </summary>
    internal int ReadAllowance(int max) =>
        (int)Math.Clamp((_options.ReceiveQueueLimit - _events.QueuedBytes) / ReceiveCostPerByte, Math.Min(MinRead, max), max);

    /// <summary>
    /// The most memory queued events hold per byte read: a record of 69 bytes (the smallest) carries at most 15 bytes
    /// of plaintext, counted as 128 + 2 x 14; larger records at most 2 per byte (UTF-16).
    /// </summary>
    internal const int ReceiveCostPerByte = 3;

    /// <summary>The smallest read once the receive queue is nearly full, so a link is never read one byte at a time.</summary>
    internal const int MinRead = 4096;

    /// <summary>
    /// A socket loop stopped on an exception that is not the socket's (a bug, or a handler that threw on the
    /// loop's thread): the session fails at once as a lost connection whose message names the exception, and the
    /// socket is given up, instead of a link left half alive.
    /// </summary>
    internal void OnLoopFault(string loop, Exception e)
    {
        try
        {
            Run(s => s.Fail(FailureReason.ConnectionLost, $"internal error in the {loop}: {e.GetType().Name}: {e.Message}"));
        }
        finally
        {
            _connection?.Abort(); // even when a handler throws again as the failure is raised (the session has failed by then)
        }
    }

    internal bool IsEnded
    {
        get
        {
            lock (_gate)
            {
                return _session.IsEnded;
            }
        }
    }

    /// <summary>Takes what the session wrote (the writer's next batch) in exchange for <paramref name="spare"/>; null when nothing.</summary>
    internal ArrayBufferWriter<byte>? TakeOutput(ArrayBufferWriter<byte> spare, out bool ended)
    {
        lock (_gate)
        {
            if (_session.IsSecure)
            {
                FlushPresenceLocked();
            }

            ended = _session.IsEnded && !_session.HasOutput;
            if (!_session.HasOutput)
            {
                return null;
            }

            ArrayBufferWriter<byte> batch = _session.ExchangeOutput(spare);
            _budget.Taken(batch.WrittenCount);
            return batch;
        }
    }

    /// <summary>For diagnostics (the hub benchmark): the link's writer state and what it holds.</summary>
    internal string DebugState()
    {
        var (writing, scheduled, carry, unread) = _connection?.DebugState ?? default;
        lock (_gate)
        {
            return $"{(writing ? "W" : "-")}{(scheduled ? "S" : "-")}{(carry ? "C" : "-")} out={_session.PendingOutputBytes} held={_presence.Count} unsent={_budget.Unsent(PendingLocked)} unread={unread} stalled={_connection?.WriteStalled(TimeSpan.FromSeconds(1), _options.Time)}";
        }
    }

    /// <summary>
    /// Sealed output or held notices wait to be taken (as <see cref="OnWritten"/> counts them), or the session ended
    /// (the write loop then shuts the socket's sending side down).
    /// </summary>
    internal bool HasOutputToWrite
    {
        get
        {
            lock (_gate)
            {
                return _session.HasOutput || (_presence.Count > 0 && _session.IsSecure) || _session.IsEnded;
            }
        }
    }

    /// <summary>The writer finished a batch: releases waiting senders; true when there is more to write.</summary>
    internal bool OnWritten(out bool ended)
    {
        TaskCompletionSource? drained;
        TaskCompletionSource? written = null;
        bool more;
        lock (_gate)
        {
            drained = _budget.Written(PendingLocked);
            more = _session.HasOutput || (_presence.Count > 0 && _session.IsSecure);
            ended = _session.IsEnded && !more;
            if (!more)
            {
                written = _written;
                _written = null;
                _session.TrimOutput(Connection.IdleBufferKeep);
                _presence.TrimExcess();
            }
        }

        drained?.TrySetResult();
        written?.TrySetResult();
        return more;
    }

    /// <summary>The writer stopped: nobody may wait for room any more.</summary>
    internal void OnWriterStopped()
    {
        TaskCompletionSource? drained;
        TaskCompletionSource? written;
        lock (_gate)
        {
            drained = _budget.ReleaseWaiters();
            written = _written;
            _written = null;
        }

        drained?.TrySetResult();
        written?.TrySetResult();
    }

    /// <summary>Both loops ended: wipe the session and stop the timers.</summary>
    internal void OnConnectionClosed()
    {
        lock (_gate)
        {
            _budget.Release();
            _presence.Clear();
            _session.Dispose();
            _handshakeDeadline?.Dispose();
            _handshakeDeadline = null;
            _ticks?.Dispose();
            _ticks = null;
        }
    }

    /// <summary>The <see cref="PresenceFlusher"/>'s turn: wakes the writer for the notices held since (if still held).</summary>
    internal void FlushHeldPresence()
    {
        lock (_gate)
        {
            _presenceScheduled = false;
            if (_presence.Count > 0)
            {
                _flushWanted = true;
            }
        }

        AfterLock();
    }

    /// <summary>Generates the key pair the handshake needs next while the reader would otherwise wait (see <see cref="LinkJobs"/>).</summary>
    internal void PrecomputeKeyPair() => _jobs.PrecomputeKeyPair();

    /// <summary>Runs PBKDF2 outside the lock under the server's concurrency gate (see <see cref="LinkJobs"/>).</summary>
    internal async Task DeriveKeysAsync()
    {
        try
        {
            // The message that lets the peer start its own derivation (the client's Reveal) goes out first: once this
            // side's PBKDF2 holds a core, the writer would wait for the other one, and so would the peer's derivation.
            Task written = _writeBeforeDeriving ? OutputWritten() : Task.CompletedTask;
            if (!written.IsCompleted)
            {
                await Task.WhenAny(written, Task.Delay(s_writeBeforeDerivationMax, _options.Time)).ConfigureAwait(false);
            }

            await _jobs.DeriveKeysAsync(() => _connection?.PeerLeft() != false).ConfigureAwait(false);
        }
        finally
        {
            _deriving = false;
            Volatile.Write(ref _stepStarted, _options.Time.GetTimestamp());
        }
    }

    /// <summary>Completes once everything sealed so far has been written to the socket (or the writer stopped).</summary>
    private Task OutputWritten()
    {
        lock (_gate)
        {
            if (_budget.Unsent(PendingLocked) == 0 || _connection is null)
            {
                return Task.CompletedTask;
            }

            return (_written ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }

    // ---- Inside -----------------------------------------------------------------------------------------------

    private void Run(Action<SecureSession> operation)
    {
        lock (_gate)
        {
            operation(_session);
            CollectLocked();
        }

        AfterLock(OutputRoute.OwnLink);
    }

    /// <summary>What the link holds for the peer besides the writer's batch: sealed output and held notices.</summary>
    private int PendingLocked => _session.PendingOutputBytes + _presence.HeldBytes;

    /// <summary>Under the lock, before any other application record: seals the held presence notices, in order.</summary>
    private void FlushPresenceLocked()
    {
        if (_presence.Count > 0)
        {
            _presence.Drain(n => _chat.SendPresence(n.Kind, n.Digest, n.Name, n.NewName));
        }
    }

    /// <summary>
    /// Outside the lock: dispatches the queued events, sends the output sealed (see <see cref="Connection.Flush"/>;
    /// on the hub, output for one of many links waits its <see cref="WriteScheduler"/> turn), then aborts the socket
    /// of a peer dropped as too slow. <paramref name="route"/> says where from (see <see cref="OutputRoute"/>).
    /// </summary>
    private void AfterLock(OutputRoute route = OutputRoute.InTurn)
    {
        if (route != OutputRoute.UnderHubLock)
        {
            _events.Dispatch();
        }
        else if (_events.HasQueued)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static events => events.Dispatch(), _events, preferLocal: false);
        }

        if (_flushWanted && _connection is { } connection)
        {
            _flushWanted = false; // racy on purpose: a flush takes all output, and a writer looks again before it lets go
            if (_writeScheduler is { } scheduler && route != OutputRoute.OwnLink)
            {
                scheduler.Schedule(connection); // one of many links served in a row (a relay, a notice to all)
            }
            else if (route == OutputRoute.UnderHubLock)
            {
                connection.WakeWriter(); // under the hub's lock: no socket calls here
            }
            else if (route == OutputRoute.Message)
            {
                connection.FlushMessage();
            }
            else
            {
                connection.Flush();
            }
        }

        if (_abortPending)
        {
            _abortPending = false;
            _connection?.Abort();
        }
    }

    /// <summary>
    /// Under the lock: enforce the output budget for whatever was just queued (any record type), queue the session's
    /// events, hand out rekey jobs, and wake the writer if there is output.
    /// </summary>
    private void CollectLocked()
    {
        if (_session.IsSecure && _budget.OverRelayLimit(PendingLocked))
        {
            _session.Fail(FailureReason.PeerTooSlow);
        }

        _budget.Report(PendingLocked);
        _session.DrainEvents(_drain);
        foreach (SessionEvent e in _drain)
        {
            _events.Enqueue(e);
            if (e is not MessageReceivedEvent)
            {
                _snapshot = null; // stage, keys or names may have changed
            }

            if (e is StageChangedEvent changed)
            {
                Volatile.Write(ref _stepStarted, _options.Time.GetTimestamp());
                ReachedConfirmation |= changed.Stage == SessionStage.Confirming;
            }

            if (e is FailedEvent { Failure.Reason: FailureReason.PeerTooSlow })
            {
                // Nothing more can reach a peer that does not read: give up its socket and backlog now.
                _presence.Clear();
                _abortPending = true;
            }

            if (e is EstablishedEvent)
            {
                _handshakeDeadline?.Dispose();
                _handshakeDeadline = null;
                _ticks = _options.Time.CreateTimer(_ => Tick(), null, _options.TickInterval, _options.TickInterval);
            }
        }

        _drain.Clear();
        if (_session.TakeRekeyJob() is { } job)
        {
            _jobs.RunRekeyJob(job);
        }

        if (_session.IsEnded && !_endSeen && _connection is not null)
        {
            _endSeen = true;
            _connection.SessionEnded();
        }

        if (_session.HasOutput || _session.IsEnded || (_presence.Count > 0 && _presenceFlusher is null))
        {
            _flushWanted = true; // sent by AfterLock, on this thread when the socket takes it at once
        }
        else if (_presence.Count > 0 && !_presenceScheduled)
        {
            // Only notices: they go out with the next batch (a busy writer takes them as it goes on).
            _presenceScheduled = true;
            _presenceFlusher!.Schedule(this);
        }
    }

    private void Tick() => Run(s =>
    {
        if (_connection?.WriteStalled(_options.WriteTimeout, _options.Time) == true)
        {
            s.Fail(FailureReason.PeerTooSlow, $"nothing written for {_options.WriteTimeout.TotalSeconds:0.#} s");
        }
        else
        {
            // Bytes from the peer waiting unread in the socket mean this side is behind (its reader held by a slow
            // handler, or waiting its turn on an overloaded thread pool), not that the peer is idle.
            s.OnTick(_options.Time.GetTimestamp(), PeerBytesWaiting);
        }
    });

    /// <summary>How <see cref="AfterLock"/> sends what was sealed under the lock, and raises the events queued there.</summary>
    private enum OutputRoute
    {
        /// <summary>One of many links served in a row (a relay, a notice to all): on the hub in its <see cref="WriteScheduler"/> turn, else on this thread.</summary>
        InTurn,

        /// <summary>
        /// Answers this link's own reader, job or timer: sent on this thread even on the hub, without waiting for a
        /// <see cref="WriteScheduler"/> turn.
        /// </summary>
        OwnLink,

        /// <summary>
        /// The application's own message, which may be one of a stream: sent inline when alone, else left to the write
        /// loop to send with the others (<see cref="Connection.FlushMessage"/>); on the hub, in its turn.
        /// </summary>
        Message,

        /// <summary>
        /// The caller holds the hub's membership lock: the events are raised on the thread pool and no socket call is
        /// made here. A drop raised inline would run the owner's handlers inside the lock, announce the leave to every
        /// member from there, and so on down one stack for every peer dropped in turn (a hub of 10,000 whose peers all
        /// left at once overflowed its stack that way).
        /// </summary>
        UnderHubLock,
    }
}
