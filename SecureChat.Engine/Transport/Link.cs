using System.Net;
using System.Net.Sockets;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Session.Trust;

namespace SecureChat.Engine.Transport;

/// <summary>
/// One link: a <see cref="SecureSession"/> with its <see cref="ChatChannel"/> behind one lock, driven by a
/// <see cref="Connection"/> (the socket loops). This type holds the lock and the session's state; each job around it
/// has its own type: <see cref="LinkReader"/> (bytes in, key derivation between reads), <see cref="LinkSending"/>
/// (what the owner sends), <see cref="LinkOutput"/> (what waits for the peer, its budget and its routing to the
/// socket), <see cref="LinkJobs"/> (costly steps outside the lock), <see cref="LinkTimers"/> (every deadline) and
/// <see cref="LinkEvents"/> (the session's events, in order).
/// </summary>
/// <remarks>
/// Thread-safe. Every session call happens under <c>_gate</c>; events are queued under it and dispatched outside it
/// by one thread at a time, so handlers may call back into this or any other link. Output is routed outside it.
/// </remarks>
internal sealed partial class Link : IHeldPresence, IHeldAck
{
    private readonly SecureSession _session;
    private readonly ChatChannel _chat;
    private readonly ChatOptions _options;
    private readonly LinkJobs _jobs;
    private readonly LinkEvents _events;
    private readonly object _gate = new();
    private readonly List<SessionEvent> _drain = [];
    private readonly LinkOutput _output;
    private readonly LinkTimers _timers;
    private readonly LinkSending _sending;
    private readonly Socket _socket;
    private Connection? _connection;
    private bool _endSeen;
    private volatile PeerInfo? _snapshot;
    private string _name;

    public Link(int id, Socket socket, SessionSettings settings, LinkContext context, Action<Link, SessionEvent> onEvent, string name)
    {
        Id = id;
        _socket = socket;
        RemoteEndPoint = socket.RemoteEndPoint as IPEndPoint ?? new IPEndPoint(IPAddress.None, 0);
        _session = new SecureSession(settings);
        _chat = new ChatChannel(_session);
        ChatOptions options = context.Options;
        _options = options;
        _jobs = new LinkJobs(_gate, _session, context.DerivationGate, Run, context.RekeyJobRun);
        _events = new LinkEvents(this, onEvent, options.ReceiveQueueLimit, context.ServerBudget);
        _output = new LinkOutput(_gate, _session, _chat, options, _events, context.ServerBudget, context.PresenceFlusher, context.AckFlusher, context.WriteScheduler);
        _session.Acks.Hold = context.AckFlusher is not null;
        _session.Acks.AfterHandled = settings.Role == SessionRole.Server; // the hub answers a read's records from its events
        Renames = new NickRateLimit(options.NickBurst, options.NickInterval, options.Time);
        NickRecords = new NickRateLimit(options.NickFloodBurst, options.NickFloodInterval, options.Time);
        _name = name;
        _timers = new LinkTimers(this, options);
        _sending = new LinkSending(this, _gate, _session, _chat, _output);
        Reader = new LinkReader(this, _gate, _session, _chat, _events, _jobs, _output, _timers, options, writeBeforeDeriving: context.DerivationGate is null, context.OperatorQueue, context.PartBudget);
        Prefix = SourceAddress is { } address ? new SourcePrefix(address) : null;
        _output.AttachServerBudget(Prefix, () => _connection?.OutputWaited(_options.Time) ?? TimeSpan.Zero, DropForServerBudget);
    }

    public int Id { get; }

    /// <summary>The peer's IP address (null when unknown), for per-source limits.</summary>
    public IPAddress? SourceAddress => (RemoteEndPoint as IPEndPoint)?.Address is { } a && !a.Equals(IPAddress.None) ? a : null;

    /// <summary>The network of <see cref="SourceAddress"/> (null when unknown), the key of the per-source limits.</summary>
    public SourcePrefix? Prefix { get; }

    /// <summary>When the handshake's current step began (see <see cref="LinkTimers.StepStarted"/>).</summary>
    public long StepStarted => _timers.StepStarted;

    /// <summary>Every time-driven behaviour of the link (deadlines, keepalive).</summary>
    internal LinkTimers Timers => _timers;

    /// <summary>The receive side, for the read loop.</summary>
    internal LinkReader Reader { get; }

    /// <summary>The output side, for the write loop.</summary>
    internal LinkOutput Output => _output;

    /// <summary>
    /// This side has begun deriving keys for the peer (queued for or running PBKDF2, or past it): the server has
    /// committed its costliest work to this handshake, so admission never evicts it to make room.
    /// </summary>
    public bool DerivationStarted => Reader.DerivationStarted;

    /// <summary>
    /// In the handshake and waiting for the peer's next message (not while this side derives keys): the time a
    /// per-step deadline counts.
    /// </summary>
    public bool AwaitingPeer => !Reader.Deriving && Stage is SessionStage.Connected or SessionStage.ExchangingKeys or SessionStage.Confirming;

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

    /// <summary>True once the server-wide output budget chose this peer to drop (its failure says too slow).</summary>
    public bool DroppedForServerBudget { get; private set; }

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

    public SessionStage Stage => Locked(static s => s.Stage);

    public bool IsSecure => Locked(static s => s.IsSecure);

    /// <summary>
    /// Records opened from the peer so far (each a sign of life: a message, a notice or a heartbeat); it stops
    /// growing when the link ends. Not in <see cref="Snapshot"/>, which is cached between changes.
    /// </summary>
    public ulong RecordsReceived => Locked(static s => s.Records.ReceivedRecords);

    /// <summary>Records sealed for the peer so far (application records, heartbeats and rekey messages).</summary>
    internal ulong RecordsSent => Locked(static s => s.Records.SentRecords);

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
        _output.Connection = _connection;
        _timers.Started();
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


    /// <summary>Client: seals a group record with its Parts, waiting for room in the send buffer (see <see cref="LinkSending.SendGroupAsync"/>).</summary>
    public ValueTask<bool> SendGroupAsync(Action<GroupRecordSender> seal, CancellationToken cancellationToken) => _sending.SendGroupAsync(seal, cancellationToken);

    /// <summary>Client: bytes sealed for the peer and not yet written to its socket (what a local send waits on); 0 once ended.</summary>
    internal int UnsentBytes => _sending.Unsent;

    /// <summary>Client: completes once the unsent bytes have fallen to half the send buffer limit, or the session ended.</summary>
    internal Task WaitForRoom() => _sending.WaitForRoom();

    /// <summary>Hub: seals a group record with its Parts without waiting (see <see cref="LinkSending.TrySendGroup"/>).</summary>
    public bool TrySendGroup(Action<GroupRecordSender> seal) => _sending.TrySendGroup(seal);

    /// <summary>Hub: the same with the sealing's state passed in (see <see cref="LinkSending.TrySendGroup{TState}"/>).</summary>
    public bool TrySendGroup<TState>(Action<GroupRecordSender, TState> seal, TState state) => _sending.TrySendGroup(seal, state);

    /// <summary>Hub: where this link's KeyPackages, GroupCommits and GroupMessages go, parsed (set before the link starts).</summary>
    public IHubGroupRecords? HubRecords
    {
        get => Locked(_ => _chat.HubRecords);
        set => Locked(_ => _chat.HubRecords = value);
    }

    /// <summary>Client: where the hub's group records go, parsed (set before the link starts).</summary>
    public IMemberGroupRecords? MemberRecords
    {
        get => Locked(_ => _chat.MemberRecords);
        set => Locked(_ => _chat.MemberRecords = value);
    }

    /// <summary>Hub: tells this peer that someone joined, left or was renamed (see <see cref="LinkSending.TryAnnounce"/>).</summary>
    public bool TryAnnounce(PresenceBacklog.Notice notice) => _sending.TryAnnounce(notice);

    /// <summary>Runs one chat operation (nick, presence) under the lock when the session is secure; false when it is not.</summary>
    /// <param name="dispatchLater">The caller holds the hub's lock: the link's events are raised on the thread pool, not inside it.</param>
    public bool RunIfSecure(Action<ChatChannel> operation, bool dispatchLater = false) => _sending.RunIfSecure(operation, dispatchLater);

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

    internal void OnDisconnected() => Run(s => s.PeerDisconnected());

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

    internal bool IsEnded => Locked(static s => s.IsEnded);

    /// <summary>Both loops ended: wipe the session and stop the timers.</summary>
    internal void OnConnectionClosed()
    {
        lock (_gate)
        {
            _output.ReleaseLocked();
            _session.Dispose();
            _timers.Stop();
        }
    }

    /// <summary>
    /// Hub: the events before <paramref name="due"/> are handled (their answers sealed): the Ack they call for is sealed
    /// now with other output or at once for a heartbeat, else held for the <see cref="AckFlusher"/>.
    /// </summary>
    internal void AckHandled(AckDueEvent due)
    {
        lock (_gate)
        {
            long acks = _session.Acks.Sent;
            _session.Acks.Handled(due);
            if (_session.Acks.Sent != acks)
            {
                _output.AcksSent(_session.Acks.Sent - acks);
            }

            _output.HoldAckLocked(this);
            CollectLocked();
        }

        AfterLock(OutputRoute.OwnLink);
    }

    /// <summary>The <see cref="AckFlusher"/>'s turn: seals the Ack held since (if still held) and sends it in turn.</summary>
    public void FlushHeldAck()
    {
        lock (_gate)
        {
            _output.AckDueLocked();
        }

        AfterLock();
    }

    /// <summary>The <see cref="PresenceFlusher"/>'s turn: wakes the writer for the notices held since (if still held).</summary>
    public void FlushHeldPresence()
    {
        lock (_gate)
        {
            _output.PresenceDueLocked();
        }

        AfterLock();
    }
}
