using SecureChat.Engine.Identity;
using System.Globalization;
using System.Security.Cryptography;
using SecureChat.Engine.Crypto;
using System.Net;
using System.Net.Sockets;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Session.Handshake;
using SecureChat.Engine.Session.Trust;

namespace SecureChat.Engine.Transport;

/// <summary>
/// The connecting side: one TCP connection to a <see cref="ChatServer"/> (or any SecureChat v2 peer).
/// Thread-safe; events as described on <see cref="ChatEndpoint"/>.
/// </summary>
public sealed class ChatClient : ChatEndpoint
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

    public ChatClient(ChatOptions options)
    {
        options.Validate();
        _options = options;
        _name = options.Name.Length > 0 ? NameRules.Normalize(options.Name) : "Client";
        _hub = new ClientRoomState(options);
    }

    public override string Name => _name;

    /// <summary>The link to the server, once connecting has begun.</summary>
    public PeerInfo? Server => _link?.Snapshot() ?? _connecting;

    public override ulong RecordsHeard => _link?.RecordsReceived ?? 0;

    public override IReadOnlyList<PeerInfo> Links => Server is { } server ? [server] : [];

    /// <summary>Completes when the link has ended and its socket is closed.</summary>
    public override Task Completion => _link?.Completion ?? Task.CompletedTask;

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

    private async Task ConnectAsync(string host, int port, Socket? opened, CancellationToken cancellationToken)
    {
        if (_link is not null || _connecting is not null)
        {
            throw new InvalidOperationException("already connected");
        }

        _endpointKey = KnownServers.Endpoint(host, port); // how the trust store names this server
        byte[] helloNonce = RandomNumberGenerator.GetBytes(WireFormat.NonceSize);
        PuzzleSolution? solution = null;
        int puzzles = 0;
        int retries = 0;
        Volatile.Write(ref _busyRetriesLeft, _options.BusyRetries);
        while (true)
        {
            Link link = await OpenAsync(host, port, Interlocked.Exchange(ref opened, null), helloNonce, solution, cancellationToken).ConfigureAwait(false);
            try
            {
                await link.Established.WaitAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (ChatConnectionException) when (link.Puzzle is { } puzzle && puzzles < MaxPuzzleAttempts && puzzle.Difficulty <= WireFormat.PuzzleDifficultyMax)
            {
                puzzles++;
                _connecting = link.Snapshot() with { Stage = SessionStage.SolvingPuzzle };
                OnStageChanged(_connecting);
                ulong counter = await Task.Run(() => HandshakePuzzle.Solve(puzzle.Challenge, puzzle.Difficulty, cancellationToken), cancellationToken).ConfigureAwait(false);
                solution = new PuzzleSolution(puzzle.Window, counter);
                _link = null;
            }
            catch (ChatConnectionException) when (link.Puzzle is { } puzzle && puzzle.Difficulty > WireFormat.PuzzleDifficultyMax)
            {
                throw new ChatConnectionException(SessionFailure.Create(FailureReason.PuzzleRequired,
                    $"of {puzzle.Difficulty} bits, more than {WireFormat.PuzzleDifficultyMax} bits (the most this client solves): gave up"));
            }
            catch (ChatConnectionException e) when (RetriesAfter(link, e.Failure))
            {
                retries++;
                Volatile.Write(ref _busyRetriesLeft, _options.BusyRetries - retries);
                TimeSpan delay = BusyPause(retries);
                _connecting = link.Snapshot() with
                {
                    Stage = SessionStage.WaitingToRetry,
                    Retry = new BusyRetry(retries, _options.BusyRetries, delay, e.Failure.Reason),
                };
                _link = null;
                OnStageChanged(_connecting);
                await Task.Delay(delay, _options.Time, cancellationToken).ConfigureAwait(false);

                // A new connection is a new handshake: a fresh hello nonce (the session draws every other one afresh),
                // and no puzzle answer, which was bound to the old nonce.
                helloNonce = RandomNumberGenerator.GetBytes(WireFormat.NonceSize);
                solution = null;
            }
            catch (OperationCanceledException)
            {
                await link.CloseAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary>
    /// True when a refusal is retried (<see cref="ChatOptions.BusyRetries"/>): busy or rate-limited, before the server
    /// answered the hello (no group agreed yet: the server has spent nothing on this client), and retries are left.
    /// Rate-limited is retried like busy: the server sends it only for the number of handshakes in progress from the
    /// address (it puts a guesser under its confirmation penalty with puzzles, never with this alert).
    /// </summary>
    private bool RetriesAfter(Link link, SessionFailure failure) =>
        failure.Reason is FailureReason.ServerBusy or FailureReason.RateLimited &&
        link.Snapshot().Group is null &&
        Volatile.Read(ref _busyRetriesLeft) > 0;

    /// <summary>The pause before retry <paramref name="retry"/> (1, 2, ...): the first delay doubled, at most 8 times it, then between half and all of that at random.</summary>
    private TimeSpan BusyPause(int retry)
    {
        TimeSpan full = _options.BusyRetryDelay * (1 << Math.Min(retry - 1, 3));
        return full * (0.5 + Random.Shared.NextDouble() / 2);
    }

    /// <summary>Connects (unless <paramref name="opened"/> is already connected) and starts the handshake.</summary>
    private async Task<Link> OpenAsync(string host, int port, Socket? opened, byte[] helloNonce, PuzzleSolution? solution, CancellationToken cancellationToken)
    {
        _connecting = new PeerInfo(0, new DnsEndPoint(host, port), ServerName, SessionStage.Connecting, null, null, null);
        OnStageChanged(_connecting);
        Socket socket = opened ?? new Socket(SocketType.Stream, ProtocolType.Tcp);

        string endpoint = _endpointKey!;
        string[] names = [endpoint];
        SessionSettings settings = SessionSettingsFactory.Create(_options, SessionRole.Client, _name, CheckServer) with
        {
            HelloNonce = helloNonce,
            PuzzleSolution = solution,
            KeyPairs = _keyPairs,
        };

        // The early Commit's key pair is made while the connection opens (on a real network, well within the round trip).
        Task keyPairReady = Negotiation.EarlyCommitGroup(settings) is { } group ? _keyPairs.Prepare(group) : Task.CompletedTask;
        try
        {
            if (opened is null)
            {
                await socket.ConnectAsync(OpenedConnection.Target(host, port), cancellationToken).ConfigureAwait(false);
            }

            if (socket.RemoteEndPoint is IPEndPoint connected && KnownServers.Endpoint(connected) is var reached && reached != endpoint)
            {
                names = [endpoint, reached]; // the pin covers the address the name led to (as ssh's CheckHostIP)
            }

            await keyPairReady.ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            SessionFailure failure = OpenedConnection.Refused(host, port, e);
            _connecting = _connecting with { Stage = SessionStage.Failed };
            OnFailed(_connecting, failure);
            throw new ChatConnectionException(failure);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var link = new Link(1, socket, settings, _options, derivationGate: null, Translate, ServerName);
        _link = link;
        OnStageChanged(link.Snapshot());
        link.Start();
        return link;

        IdentityVerdict CheckServer(PeerIdentity peer) =>
            _options.CheckServerIdentity?.Invoke(names, peer)
            ?? _options.CheckPeerIdentity?.Invoke(endpoint, peer)
            ?? IdentityVerdict.Accept(TrustState.New);
    }

    /// <summary>
    /// The rooms this side is in, as the hub spells them, in the order entered (<see cref="ChatEndpoint.Lobby"/> first):
    /// followed from the hub's notices, and kept while no link is up, since a new link rejoins them.
    /// </summary>
    public override IReadOnlyList<string> Rooms => _hub.Rooms;

    /// <summary>Connects again at once when the link is gone and a reconnect is waiting (<see cref="ChatOptions.Reconnect"/>).</summary>
    public void ReconnectNow() => throw new NotImplementedException("reconnect");

    /// <summary>
    /// Sends a direct message: to <see cref="Person.Identity"/> when set (a fingerprint of someone the hub has named on
    /// this client: a sender, a member, a recipient), so a rename cannot redirect it; otherwise to the name, which the
    /// hub resolves (and confirms with the recipient's identity, Reply Done). Throws <see cref="ArgumentException"/> for
    /// an identity never seen, a name that cannot be one, or a text too long.
    /// </summary>
    public override async ValueTask SendDirectAsync(Person to, string text, CancellationToken cancellationToken = default)
    {
        PersonRef target = _hub.Target(to);
        Link link = _link ?? throw new InvalidOperationException("not connected");
        if (!await link.SendDirectAsync(target, text, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException("the connection is closed");
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

    public override async ValueTask SendAsync(string room, string text, CancellationToken cancellationToken = default)
    {
        Link link = _link ?? throw new InvalidOperationException("not connected");
        if (!await link.SendChatAsync(room, text, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException("the connection is closed");
        }
    }

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
        if (_link is { } link)
        {
            await link.CloseAsync().ConfigureAwait(false);
        }

        _keyPairs.Dispose(); // a pair made for a connection that never started
    }

    /// <summary>The server proved its identity and name in the handshake: the app is told who operates it.</summary>
    private protected override Action? OnLinkEstablished(Link link)
    {
        PeerIdentity server = link.Peer!;
        link.Name = server.Name;
        _hub.Rejoin(link);

        return () => OnPresenceChanged(new PresenceNotice(PresenceKind.Joined, link.Name, string.Empty, link.Snapshot()) { Identity = server.Fingerprint, Operator = true });
    }

    /// <summary>A puzzle and a busy refusal that will be retried are not failures the app sees: <see cref="ConnectAsync"/> carries on.</summary>
    private protected override void OnLinkFailed(Link link, SessionFailure failure)
    {
        if (failure.Reason != FailureReason.PuzzleRequired && !RetriesAfter(link, failure))
        {
            base.OnLinkFailed(link, failure);
        }
    }

    /// <summary>
    /// A room message (Relay) or a direct message (DirectRelay) with the name and identity the hub vouches for: the
    /// operator's own when the digest is the server's (proved in the handshake), else another member's, relayed.
    /// </summary>
    private protected override void OnLinkMessage(Link link, MessageReceivedEvent message)
    {
        byte[] digest = message.SenderDigest ?? [];
        _hub.Saw(digest);
        bool fromOperator = ClientRoomState.IsServer(link, digest);
        OnMessageReceived(new ChatMessage(message.Sender, message.Text, DateTimeOffset.Now, link.Snapshot())
        {
            SenderIdentity = IdentityFingerprint.FromDigest(digest),
            Relayed = !fromOperator,
            Room = message.Direct ? null : message.Room,
            Direct = message.Direct,
        });
    }

    /// <summary>The hub's notices: the rooms, the operator's name and the identities known follow them (<see cref="ClientRoomState"/>).</summary>
    private protected override void OnLinkRecord(Link link, SessionEvent record) => _hub.Follow(link, record);

    private protected override void OnNameAssigned(string name)
    {
        _name = name;
        base.OnNameAssigned(name);
    }

    private protected override void OnNameKept(string name) => _name = name;
}
