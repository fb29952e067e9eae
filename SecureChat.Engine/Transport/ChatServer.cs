using SecureChat.Engine.Crypto;
using System.Net;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Diagnostics;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;

namespace SecureChat.Engine.Transport;

/// <summary>
/// The listening side, a hub of rooms: each accepted connection is its own session with its own keys, and once secure
/// a member of the hub (<see cref="ServerHub"/>, <see cref="Hub.HubRouter"/>): what a member says in a room is relayed
/// to the room's other members under their own keys, with the sender's name and identity; direct messages go to an
/// identity. The operator (this side's user) is a member too: in <c>#lobby</c> from the start and operator of every
/// room; its events are what a member in its rooms would get. Thread-safe.
/// </summary>
/// <remarks>
/// Limits (see <see cref="ChatOptions"/>): a handshake deadline per connection, admission (a bound on connections
/// still in the handshake, with eviction of idle ones, and on peers), a bound on concurrent PBKDF2 derivations,
/// a bounded backlog per peer (a peer that stops reading is dropped instead of holding the others up), and a bound
/// on what is read from a peer and not yet relayed (past it, that peer is not read until it is: TCP holds it back).
/// </remarks>
public sealed partial class ChatServer : ChatEndpoint
{
    private const string DefaultPeerName = Hub.HubNames.DefaultName;

    private readonly ChatOptions _options;
    private readonly ServerHub _members;
    private readonly Admission _admission;
    private readonly PuzzleGate _puzzles;
    private readonly ConfirmationBudget? _guesses;
    private readonly DerivationGate _derivationGate;
    private readonly ServerOutputBudget _outputBudget;
    private readonly PartBudget _partBudget;
    private readonly PresenceFlusher? _presenceFlusher;
    private readonly AckFlusher? _ackFlusher;
    private readonly WriteScheduler _writes = new();
    private readonly ServerMetrics _metrics = new(Interlocked.Increment(ref s_servers).ToString(System.Globalization.CultureInfo.InvariantCulture));
    private static int s_servers;

    /// <summary>One ephemeral key pair per group kept ready, so the answer to an early Commit waits for no exponentiation.</summary>
    private readonly KeyPairReserve _keyPairs = new(SystemRandom.Instance, refills: true);
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, byte> _joined = new();
    private readonly OperatorGroups _groups;
    private Listener? _listener;
    private int _nextId;
    private long _rekeyJobs;

    public ChatServer(ChatOptions options)
    {
        options.Validate();
        options = options.Identity is null ? options with { Identity = new EphemeralSigner() } : options; // one member per identity
        _options = options;
        _outputBudget = new ServerOutputBudget(options.ServerOutput, options.FairShare, options.PeerOutput / 2) { Metrics = _metrics };
        _groups = new OperatorGroups(options, digest => _members?.LinkOf(digest) ?? OperatorInfo(), OnMessageReceived);
        _members = new ServerHub(options, options.Name.Length > 0 ? NameRules.Normalize(options.Name) : "Server",
            new OperatorEvents(OnMessageReceived, OnPresenceChanged, OnRoomChanged, OnReplied) { Groups = _groups }, OperatorInfo, _metrics, _outputBudget);
        _groups.Book.Notice += OnGroupNotice;
        _groups.Bind(_members);
        _members.Events.Faulted = OnHandlerFaulted;
        GroupRecordsFor = link => new LinkGroupRecords(link, _members);
        _guesses = options.Passphrase.Length > 0 ? new ConfirmationBudget(options) : null;
        _admission = new Admission(options, _guesses);
        _derivationGate = new DerivationGate(options.MaxDerivations);
        _puzzles = new PuzzleGate(options, () => _derivationGate.Overloaded);
        _partBudget = new PartBudget(options.PendingParts, options.Time, options.PendingPartsTimeout);
        _presenceFlusher = options.PresenceDelay > TimeSpan.Zero ? new PresenceFlusher(options.PresenceDelay, options.Time) : null;
        _ackFlusher = options.AckDelay > TimeSpan.Zero ? new AckFlusher(options.AckDelay, options.Time) : null;
    }

    /// <summary>
    /// A handler of one of the operator's events threw: the event's name (<c>MessageReceived</c>, <c>PresenceChanged</c>,
    /// <c>RoomChanged</c> or <c>Replied</c>) and the exception. The hub and every session went on, and the next event
    /// is raised as usual; each is also counted on <see cref="ChatMetrics.HandlersFaulted"/>. Raised on the thread that
    /// raises the operator's events; a handler of this event that throws is counted and ignored.
    /// </summary>
    public event Action<string, Exception>? HandlerFaulted;

    public override string Name => _members.Router.NameOf(_members.Router.Operator);

    /// <summary>Where the server listens, once started.</summary>
    public IPEndPoint? LocalEndPoint => _listener?.LocalEndPoint;

    /// <summary>Every current link, in the order they connected.</summary>
    public IReadOnlyList<PeerInfo> Peers => [.. _members.Links.OrderBy(l => l.Id).Select(l => l.Snapshot())];

    public override IReadOnlyList<PeerInfo> Links => Peers;

    /// <summary>Completes once <see cref="StopAsync"/> has closed every link.</summary>
    public override Task Completion => _stopped.Task;

    /// <summary>Bytes queued for all peers and not yet written, now and at most so far (the server-wide output budget's use).</summary>
    internal (long Now, long Peak) UnsentBytes => (_outputBudget.Unsent, _outputBudget.Peak);

    /// <summary>The most room lent at once to peers past their fair share while peers chosen to be dropped were closing (for tests).</summary>
    internal long LentPeak => _outputBudget.LentPeak;

    /// <summary>Memory held by received events waiting to be raised (relayed and shown), now and at most so far.</summary>
    internal (long Now, long Peak) QueuedBytes => (_outputBudget.Queued, _outputBudget.QueuedPeak);

    /// <summary>The most text of members' messages that waited at once to be shown by the operator (its event queue's bound, for tests).</summary>
    internal long OperatorQueuedPeak => _members.Events.MessageBytesPeak;

    /// <summary>
    /// The value of the <see cref="ChatMetrics.ServerTag"/> tag on this server's measurements (<see cref="ChatMetrics"/>):
    /// unique among the servers of this process.
    /// </summary>
    public string MetricsId => _metrics.Id;

    /// <summary>
    /// Rekey exponentiation jobs run so far over all links (the Diffie-Hellman work peers made the hub do after their
    /// handshakes), so the rekey limit's effect on the server's CPU can be measured.
    /// </summary>
    /// <summary>
    /// Where each new link's group records (KeyPackages, GroupCommit, GroupMessage) go, parsed; null, or a null
    /// answer: the link takes none (each is a protocol violation). Set before <see cref="Start"/>.
    /// </summary>
    internal Func<Link, IHubGroupRecords?>? GroupRecordsFor { get; set; }

    /// <summary>Tests: the hub's router (its records' order).</summary>
    internal Hub.HubRouter Router => _members.Router;

    /// <summary>The bytes all links' pending Parts hold now (see <see cref="PartBudget"/>).</summary>
    internal long PendingPartBytes => _partBudget.Held;

    /// <summary>The state of <paramref name="target"/>'s group in the operator's own book, and its epoch (null without one).</summary>
    internal (Groups.MemberGroupStatus Status, ulong? Epoch, uint? Leaves) GroupOf(GroupTarget target) => _groups.GroupOf(target);

    internal long RekeyJobsRun => Interlocked.Read(ref _rekeyJobs);

    /// <summary>Handshake key derivations (PBKDF2) the server has run so far: the costly work peers made it do.</summary>
    internal long KeyDerivationsRun => _derivationGate.Run;

    /// <summary>The puzzle policy, as every accepted connection's session consults it (for tests of its tables).</summary>
    internal PuzzleGate Puzzles => _puzzles;

    /// <summary>Key derivations running or waiting for a slot now.</summary>
    internal int KeyDerivationDemand => _derivationGate.Demand;

    /// <summary>Links whose keys are confirmed.</summary>
    public int SecurePeerCount => _members.Links.Count(l => l.IsSecure);

    /// <summary>
    /// Binds and starts accepting. Port 0 picks a free port (see the returned end point). Throws
    /// <see cref="ChatConnectionException"/> with a one-line reason when the address cannot be used.
    /// </summary>
    public IPEndPoint Start(string host, int port)
    {
        if (_listener is not null)
        {
            throw new InvalidOperationException("already started");
        }

        return Start(Listener.Bind(host, port));
    }

    /// <summary>Starts accepting on a socket bound earlier (<see cref="BoundPort"/>), which the server now owns.</summary>
    public IPEndPoint Start(BoundPort port)
    {
        if (_listener is not null)
        {
            throw new InvalidOperationException("already started");
        }

        return Start(port.Take());
    }

    private IPEndPoint Start(Listener listener)
    {
        _listener = listener;
        _members.Events.Release(); // the operator's events so far (#lobby entered), now that the app has subscribed
        ChatMetrics.Watch(_metrics, () => _outputBudget.Unsent + _outputBudget.Queued);
        _ = _keyPairs.Prepare(DhGroup.Get(_options.Group));
        _listener.Start(Accept);
        return _listener.LocalEndPoint;
    }

    /// <summary>The rooms the operator is in (as the hub spells them), in the order entered.</summary>
    public override IReadOnlyList<string> Rooms => _members.Router.RoomsOf(_members.Router.Operator);

    /// <summary>
    /// The operator's direct message, in the conversation's MLS group (started when it has none; the text waits in it
    /// until it is usable): to the identity of <paramref name="to"/> when set (a fingerprint), else to whoever holds that
    /// name (<see cref="ChatEndpoint.DirectBound"/> names its identity). Nobody by that name or identity:
    /// <see cref="ChatEndpoint.Replied"/> says so.
    /// </summary>
    public override ValueTask SendDirectAsync(Person to, string text, CancellationToken cancellationToken = default)
    {
        _members.Events.Release(); // the operator acts: its answers are for whoever is listening now
        RequireMessage(text);
        byte[]? digest = to.Identity is { } fingerprint ? _members.Router.FindIdentity(fingerprint) : _members.Router.DigestOfName(to.Name);
        if (digest is null)
        {
            _members.Router.Operator.Output.SendReply(to.Identity is null ? ReplyCode.NoSuchName : ReplyCode.NotConnected, Protocol.ReplyRecord.OpGroupMessage, string.Empty, Hub.HubState.Nobody, to.Name, string.Empty);
        }
        else
        {
            _groups.Send(Protocol.GroupTarget.ForPerson(digest), text);
            if (to.Identity is null)
            {
                OnDirectBound(to.Name, digest);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The operator's request about a room (join, part, list, moderation); the answer comes as events.</summary>
    public override void Request(RoomRequest request)
    {
        _members.Events.Release(); // the operator acts: its answers are for whoever is listening now
        ArgumentNullException.ThrowIfNull(request);
        if (_members.Router.Request(_members.Router.Operator, request) == Hub.RequestOutcome.Violation)
        {
            throw new ArgumentException("a room's mode is +i or -i", nameof(request));
        }
    }

    /// <summary>
    /// The operator's message to a room it is in, in the room's MLS group (it waits there until the group is usable);
    /// a room it is not in: <see cref="ChatEndpoint.Replied"/> says it is not a member.
    /// </summary>
    public override ValueTask SendAsync(string room, string text, CancellationToken cancellationToken = default)
    {
        _members.Events.Release(); // the operator acts: its answers are for whoever is listening now
        RequireMessage(text);
        if (Rooms.FirstOrDefault(r => RoomName.AreSame(r, room)) is { } spelled)
        {
            _groups.Send(Protocol.GroupTarget.ForRoom(spelled), text);
        }
        else
        {
            _members.Router.Operator.Output.SendReply(ReplyCode.NotMember, Protocol.ReplyRecord.OpGroupMessage, room, Hub.HubState.Nobody, string.Empty, string.Empty);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Sends the operator's message to <see cref="ChatEndpoint.Lobby"/>'s group (it waits there until the group is
    /// usable) and returns how many other members the room has, those away included (PROTOCOL.md 4.8: the hub keeps
    /// their records until they come back).
    /// </summary>
    public int Broadcast(string text)
    {
        RequireMessage(text);
        _groups.Send(Protocol.GroupTarget.ForRoom(Lobby), text);
        return _members.Router.OthersIn(Lobby);
    }

    private static void RequireMessage(string text)
    {
        if (!ChatOptions.IsValidMessage(text))
        {
            throw new ArgumentException($"a message is at most {ChatOptions.MaxMessageBytes} bytes of UTF-8", nameof(text));
        }
    }

    public override int RequestRekey() => _members.Links.Count(l => l.RequestRekey());

    /// <summary>
    /// Changes the operator's name and tells the peers. Throws <see cref="ArgumentException"/> with a one-line reason
    /// when the name breaks <see cref="NameRules"/>, belongs to another identity (<see cref="ChatOptions.IsNameOwnedByOther"/>:
    /// names belong to the identity that first used them, connected or not), or looks like the name of a member
    /// (a peer's name is its own while it is connected or away, as the operator's is).
    /// </summary>
    public override void ChangeName(string name)
    {
        if (!NameRules.TryValidate(name, out name, out string problem))
        {
            throw new ArgumentException(problem);
        }

        if (_members.Router.Holder(name) is { } named && !NameRules.AreConfusable(named, Name))
        {
            if (!_members.Router.HolderIsAway(name))
            {
                throw LooksLikeConnected(name, named);
            }

            // An away member keeps its name (it is a member still); when the name is its own, that is the reason.
            if (_options.IsNameOwnedByOther?.Invoke(name) != true)
            {
                throw new ArgumentException($"the name {SafeText.Name(name)} looks like {SafeText.Name(named)}, the name of a member who is away");
            }
        }

        if (_options.IsNameOwnedByOther?.Invoke(name) == true)
        {
            throw new ArgumentException($"the name {SafeText.Name(name)} belongs to another identity on this server");
        }

        if (!_members.Router.TryRenameOperator(name, out string holder))
        {
            throw LooksLikeConnected(name, holder); // a peer took it meanwhile
        }

        _options.OperatorNameTaken?.Invoke(name);
    }

    private static ArgumentException LooksLikeConnected(string name, string holder) =>
        new($"the name {SafeText.Name(name)} looks like {SafeText.Name(holder)}, a connected peer's name");

    /// <summary>Stops accepting, closes every link cleanly (peers see the server leave), and waits for them.</summary>
    public override async Task StopAsync()
    {
        _members.Events.Release();
        if (_listener is not null)
        {
            await _listener.StopAsync().ConfigureAwait(false);
        }

        await Task.WhenAll(_members.Links.Select(l => l.CloseAsync(AlertCode.ServerShuttingDown))).ConfigureAwait(false);
        _keyPairs.Dispose();
        _groups.Dispose();
        _partBudget.Dispose();
        _presenceFlusher?.Dispose();
        _ackFlusher?.Dispose();
        await _members.Events.Drained().ConfigureAwait(false);
        ChatMetrics.Unwatch(_metrics);
        _stopped.TrySetResult();
    }

    private void OnHandlerFaulted(string name, Exception e)
    {
        _metrics.HandlerFaulted(name);
        try
        {
            HandlerFaulted?.Invoke(name, e);
        }
        catch (Exception)
        {
            // Already counted; the queue must go on.
        }
    }

    /// <summary>The operator as the link its own events come by (a room it entered, an answer to its request).</summary>
    private PeerInfo OperatorInfo() =>
        new(0, (EndPoint?)LocalEndPoint ?? new IPEndPoint(IPAddress.Loopback, 0), Name, SessionStage.Secure, null, null, null)
        {
            Identity = IdentityFingerprint.Of(SessionSettingsFactory.IdentityOf(_options).PublicKey),
        };
}
