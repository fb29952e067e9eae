using SecureChat.Engine.Crypto;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Session.Trust;

namespace SecureChat.Engine.Transport;

/// <summary>
/// The connecting side: one TCP connection to a <see cref="ChatServer"/> (or any SecureChat v2 peer) at a time;
/// with <see cref="ChatOptions.Reconnect"/> a lost secure link is replaced by a new one to the same server
/// (<see cref="ReconnectLoop"/>). Thread-safe; events as described on <see cref="ChatEndpoint"/>.
/// </summary>
public sealed partial class ChatClient : ChatEndpoint
{
    private const string ServerName = "Server";

    private readonly ChatOptions _options;
    private readonly KeyPairReserve _keyPairs = new(SystemRandom.Instance, refills: false);
    private readonly ClientRoomState _hub;
    private Link? _link;
    private PeerInfo? _connecting;
    private string? _endpointKey;
    private string _name;
    private int _busyRetriesLeft;
    private string _host = string.Empty;
    private int _port;
    private readonly ReconnectLoop? _reconnect;
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _stopping;
    private volatile Link? _secured;

    public ChatClient(ChatOptions options)
    {
        options.Validate();
        options = options.Identity is null ? options with { Identity = new EphemeralSigner() } : options; // one member per identity
        _options = options;
        _name = options.Name.Length > 0 ? NameRules.Normalize(options.Name) : "Client";
        _hub = new ClientRoomState(options);
        _groups = CreateGroups(options);
        if (options.Reconnect)
        {
            _reconnect = new ReconnectLoop(new Backoff(), options.Time, ReconnectAsync, OnReconnecting, _ => _done.TrySetResult());
        }
    }

    public override string Name => _name;

    /// <summary>The link to the server, once connecting has begun.</summary>
    public PeerInfo? Server => _link?.Snapshot() ?? _connecting;

    /// <summary>The current link, for the group records a member sends and receives (PROTOCOL.md 4.8).</summary>
    internal Link? CurrentLink => _link;

    public override ulong RecordsHeard => _link?.RecordsReceived ?? 0;

    public override IReadOnlyList<PeerInfo> Links => Server is { } server ? [server] : [];

    /// <summary>
    /// Completes when the link has ended and its socket is closed; with <see cref="ChatOptions.Reconnect"/>, only when
    /// the client is stopped, its first connection failed, or a lost link cannot be replaced
    /// (<see cref="ReconnectLoop.Stops"/>: a refused identity, another version, a passphrase mismatch).
    /// </summary>
    public override Task Completion => _reconnect is null ? _link?.Completion ?? Task.CompletedTask : _done.Task;

    /// <summary>How many puzzles a client solves for one connection before it gives up.</summary>
    public const int MaxPuzzleAttempts = 3;

    /// <summary>
    /// Connects and runs the handshake; returns once the session is secure. When the server is under load and
    /// answers with a puzzle, solves it (status <see cref="SessionStage.SolvingPuzzle"/>) and reconnects with the
    /// answer, up to <see cref="MaxPuzzleAttempts"/> times. When it refuses the connection before its hello as busy or
    /// as too many from this address, waits and connects again with fresh nonces (status
    /// <see cref="SessionStage.WaitingToRetry"/>), up to <see cref="ChatOptions.BusyRetries"/> times. Throws
    /// <see cref="ChatConnectionException"/> with a one-line reason when it gives up.
    /// </summary>
    public Task ConnectAsync(string host, int port, CancellationToken cancellationToken = default) =>
        ConnectAsync(host, port, opened: null, cancellationToken);

    /// <summary>
    /// As <see cref="ConnectAsync(string, int, CancellationToken)"/> to the connection's host and port, with the first
    /// handshake on <paramref name="connection"/> (which it takes over) unless it is older than
    /// <see cref="OpenedConnection.FreshFor"/>; a retry opens a new connection.
    /// </summary>
    public Task ConnectAsync(OpenedConnection connection, CancellationToken cancellationToken = default)
    {
        if (_link is not null || _connecting is not null)
        {
            connection.Dispose();
            throw new InvalidOperationException("already connected");
        }

        return ConnectAsync(connection.Host, connection.Port, connection.Take(), cancellationToken);
    }

    /// <summary>
    /// The rooms this side is in, as the hub spells them, in the order entered (<see cref="ChatEndpoint.Lobby"/> first):
    /// followed from the hub's notices, and kept while no link is up, since a new link rejoins them.
    /// </summary>
    public override IReadOnlyList<string> Rooms => _hub.Rooms;

    /// <summary>Connects again at once when the link is gone and a reconnect is waiting (<see cref="ChatOptions.Reconnect"/>).</summary>
    public void ReconnectNow() => _reconnect?.Now();

    /// <summary>
    /// Sends a direct message in the conversation's MLS group (PROTOCOL.md 4.8): to <see cref="Person.Identity"/> when
    /// set (a fingerprint of someone the hub has named on this client: a sender, a member), so a rename cannot redirect
    /// it; otherwise to the identity the hub last announced under that name (a name never announced waits for the hub's
    /// answer to a <c>key package</c> Request by name; nobody by that name is answered with
    /// <see cref="ChatEndpoint.Replied"/> <c>no such name</c>; a text by name raises <see cref="ChatEndpoint.DirectBound"/>
    /// with the identity whose group it went into, once that is known). The conversation is started when it has no
    /// group yet, and the text waits in it until the group is usable (also while no link is up). Waits first while more
    /// than <see cref="ChatOptions.SendBufferLimit"/> is unsent (a cancelled wait sends nothing). Throws
    /// <see cref="ArgumentException"/> for an identity never seen or a text too long.
    /// </summary>
    public override async ValueTask SendDirectAsync(Person to, string text, CancellationToken cancellationToken = default)
    {
        RequireConnected();
        RequireMessage(text);
        await Groups.WaitForRoomAsync(cancellationToken).ConfigureAwait(false);
        RequireConnected();
        PersonRef target = _hub.Target(to);
        if ((target.Digest ?? _hub.DigestOfName(target.Name)) is { } digest)
        {
            SendToGroup(GroupTarget.ForPerson(digest), text);
            if (target.Digest is null)
            {
                OnDirectBound(target.Name, digest);
            }
        }
        else
        {
            SendToName(target.Name, text);
        }
    }

    /// <summary>
    /// Asks the hub for a room operation. While no link is secure, a join is kept for the next link and a part is
    /// forgotten at once; anything else throws <see cref="InvalidOperationException"/>. Throws
    /// <see cref="ArgumentException"/> for an op that does not exist or a field the wire cannot carry.
    /// </summary>
    public override void Request(RoomRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Op is < RoomOp.Join or > RoomOp.Deop)
        {
            throw new ArgumentException($"{request.Op} is not a room operation", nameof(request));
        }

        if (!RecordPayload.IsValidRoomField(request.Room) || !RecordPayload.TryGetUtf8Length(request.Name, out int nameLength) || nameLength > WireFormat.NameMax)
        {
            throw new ArgumentException("a room is at most 64 bytes and a name at most 64 bytes of UTF-8", nameof(request));
        }

        if (_link?.RunIfSecure(chat => chat.SendRequest(request.Op, request.Room, request.Name, request.Text)) != true && !_hub.HoldWhileDisconnected(request))
        {
            throw new InvalidOperationException("not connected");
        }
    }

    /// <summary>
    /// Sends a text in the room's MLS group: it goes out once this client is a member of the group, and waits in it
    /// until then (also while a lost link is being replaced). Waits first while more than
    /// <see cref="ChatOptions.SendBufferLimit"/> is unsent: texts waiting in this client's groups, records not yet
    /// sealed, and sealed bytes the socket has not taken (a cancelled wait sends nothing). A room this client is not in
    /// is answered as the hub would, with <see cref="ChatEndpoint.Replied"/> <c>not member</c>. Throws
    /// <see cref="InvalidOperationException"/> when no link was ever made or the client is done, and
    /// <see cref="ArgumentException"/> for a text too long.
    /// </summary>
    public override async ValueTask SendAsync(string room, string text, CancellationToken cancellationToken = default)
    {
        RequireConnected();
        RequireMessage(text);
        await Groups.WaitForRoomAsync(cancellationToken).ConfigureAwait(false);
        PeerInfo via = RequireConnected();
        if (_hub.Rooms.FirstOrDefault(r => RoomName.AreSame(r, room)) is { } spelled)
        {
            SendToGroup(GroupTarget.ForRoom(spelled), text);
        }
        else
        {
            OnReplied(new HubReply(ReplyCode.NotMember, null, false, room, string.Empty, null, string.Empty, via));
        }
    }

    private static void RequireMessage(string text)
    {
        if (!ChatOptions.IsValidMessage(text))
        {
            throw new ArgumentException($"a message is at most {ChatOptions.MaxMessageBytes} bytes of UTF-8", nameof(text));
        }
    }

    /// <summary>The server's link; throws when no link was ever made or the client is done (stopped, or its link ended for good).</summary>
    private PeerInfo RequireConnected() =>
        Server is { } via && !_stopping && !Completion.IsCompleted ? via : throw new InvalidOperationException("not connected");

    public override int RequestRekey() => _link?.RequestRekey() == true ? 1 : 0;

    public override void ChangeName(string name)
    {
        if (!NameRules.TryValidate(name, out name, out string problem))
        {
            throw new ArgumentException(problem);
        }

        _name = name;
        _link?.RunIfSecure(chat => chat.SendNick(name));
    }

    public override async Task StopAsync()
    {
        _stopping = true; // our own close is no lost link
        if (_reconnect is not null)
        {
            await _reconnect.StopAsync().ConfigureAwait(false);
        }

        if (_link is { } link)
        {
            await link.CloseAsync().ConfigureAwait(false);
        }

        _keyPairs.Dispose(); // a pair made for a connection that never started
        await DisposeGroupsAsync().ConfigureAwait(false);
        _done.TrySetResult();
    }

    /// <summary>The server proved its identity and name in the handshake: the app is told who operates it.</summary>
    private protected override Action? OnLinkEstablished(Link link)
    {
        PeerIdentity server = link.Peer!;
        link.Name = server.Name;
        Groups.Attach(link); // before Presence you: the group records that follow go to the book
        _hub.Rejoin(link);

        _secured = link;
        _reconnect?.Secured();
        return () => OnPresenceChanged(new PresenceNotice(PresenceKind.Joined, link.Name, string.Empty, link.Snapshot()) { Identity = server.Fingerprint, IdentityDigest = server.Digest, Operator = true });
    }

    /// <summary>
    /// A secure link's end was reported (Closed or Failed): unless this side stopped it, the reconnect loop begins
    /// (its first Reconnecting event follows the link's end).
    /// </summary>
    private protected override void OnLinkEndReported(Link link)
    {
        if (_reconnect is not null && !_stopping && ReferenceEquals(link, _secured))
        {
            _secured = null;
            if (link.Failure?.Reason != FailureReason.Replaced) // Close 14: reconnecting would close the newer link in turn
            {
                _reconnect.Lost();
            }
        }
    }

    /// <summary>A puzzle and a busy refusal that will be retried are not failures the app sees: <see cref="ConnectAsync"/> carries on.</summary>
    private protected override void OnLinkFailed(Link link, SessionFailure failure)
    {
        if (failure.Reason != FailureReason.PuzzleRequired && !RetriesAfter(link, failure))
        {
            base.OnLinkFailed(link, failure);
        }
    }

    /// <summary>The hub's notices: the rooms, the operator's name and the identities known follow them (<see cref="ClientRoomState"/>).</summary>
    private protected override void OnLinkRecord(Link link, SessionEvent record)
    {
        _hub.Follow(link, record);
        FollowGroups(link, record);
    }

    private protected override void OnNameAssigned(string name)
    {
        _name = name;
        base.OnNameAssigned(name);
    }

    private protected override void OnNameKept(string name) => _name = name;
}
