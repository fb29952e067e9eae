using SecureChat.Engine.Crypto;
using System.Net;
using System.Net.Sockets;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Diagnostics;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Session.Trust;

namespace SecureChat.Engine.Transport;

/// <summary>
/// The listening side, a hub: each accepted connection is its own session with its own keys. What the operator
/// sends goes to every secure peer; what a peer sends is shown to the operator and relayed to every other peer
/// under that peer's own keys, with the sender's name. Thread-safe.
/// </summary>
/// <remarks>
/// Limits (see <see cref="ChatOptions"/>): a handshake deadline per connection, admission (a bound on connections
/// still in the handshake, with eviction of idle ones, and on peers), a bound on concurrent PBKDF2 derivations,
/// a bounded backlog per peer (a peer that stops reading is dropped instead of holding the others up), and a bound
/// on what is read from a peer and not yet relayed (past it, that peer is not read until it is: TCP holds it back).
/// </remarks>
public sealed class ChatServer : ChatEndpoint
{
    private const string DefaultPeerName = HubMembership.DefaultPeerName;

    private readonly ChatOptions _options;
    private readonly HubMembership _members;
    private readonly Admission _admission;
    private readonly PuzzleGate _puzzles;
    private readonly ConfirmationBudget? _guesses;
    private readonly DerivationGate _derivationGate;
    private readonly ServerOutputBudget _outputBudget;
    private readonly PresenceFlusher? _presenceFlusher;
    private readonly WriteScheduler _writes = new();
    private readonly ServerMetrics _metrics = new(Interlocked.Increment(ref s_servers).ToString(System.Globalization.CultureInfo.InvariantCulture));
    private static int s_servers;

    /// <summary>One ephemeral key pair per group kept ready, so the answer to an early Commit waits for no exponentiation.</summary>
    private readonly KeyPairReserve _keyPairs = new(SystemRandom.Instance, refills: true);
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, byte> _joined = new();

    /// <summary>The operator's identity digest: the sender of its messages and the subject of its renames.</summary>
    private readonly byte[] _operatorDigest;
    private Listener? _listener;
    private int _nextId;
    private long _rekeyJobs;

    public ChatServer(ChatOptions options)
    {
        options.Validate();
        _options = options;
        _members = new HubMembership(options.Name.Length > 0 ? NameRules.Normalize(options.Name) : "Server", options.ClaimName);
        _operatorDigest = IdentityFingerprint.IdentityDigest(SessionSettingsFactory.IdentityOf(options).PublicKey);
        _guesses = options.Passphrase.Length > 0 ? new ConfirmationBudget(options) : null;
        _admission = new Admission(options, _guesses);
        _derivationGate = new DerivationGate(options.MaxDerivations);
        _puzzles = new PuzzleGate(options, () => _derivationGate.Overloaded);
        _outputBudget = new ServerOutputBudget(options.ServerOutput, options.FairShare, options.PeerOutput / 2) { Metrics = _metrics };
        _presenceFlusher = options.PresenceDelay > TimeSpan.Zero ? new PresenceFlusher(options.PresenceDelay, options.Time) : null;
    }

    public override string Name => _members.OwnName;

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

    /// <summary>
    /// The value of the <see cref="ChatMetrics.ServerTag"/> tag on this server's measurements (<see cref="ChatMetrics"/>):
    /// unique among the servers of this process.
    /// </summary>
    public string MetricsId => _metrics.Id;

    /// <summary>
    /// Rekey exponentiation jobs run so far over all links (the Diffie-Hellman work peers made the hub do after their
    /// handshakes), so the rekey limit's effect on the server's CPU can be measured.
    /// </summary>
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
        ChatMetrics.Watch(_metrics, () => _outputBudget.Unsent + _outputBudget.Queued);
        _ = _keyPairs.Prepare(DhGroup.Get(_options.Group));
        _listener.Start(Accept);
        return _listener.LocalEndPoint;
    }

    /// <summary>Sends the operator's message to every secure peer (see <see cref="Broadcast"/>).</summary>
    public override IReadOnlyList<string> Rooms => [Lobby];

    public override ValueTask SendDirectAsync(Person to, string text, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException("direct messages");

    public override void Request(RoomRequest request) => throw new NotImplementedException("rooms");

    public override ValueTask SendAsync(string room, string text, CancellationToken cancellationToken = default)
    {
        Broadcast(text);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Sends the operator's message to every secure peer (including one whose name has not arrived yet) and
    /// returns how many it was sealed for.
    /// </summary>
    public int Broadcast(string text)
    {
        if (!ChatOptions.IsValidMessage(text))
        {
            throw new ArgumentException($"a message is at most {ChatOptions.MaxMessageBytes} bytes of UTF-8", nameof(text));
        }

        long start = _metrics.Sealing();
        int sealedFor = _members.Relay(from: null, _operatorDigest, Name, text);
        _metrics.Sealed(sealedFor, start, _outputBudget.Unsent);
        return sealedFor;
    }

    public override int RequestRekey() => _members.Links.Count(l => l.RequestRekey());

    /// <summary>
    /// Changes the operator's name and tells the peers. Throws <see cref="ArgumentException"/> with a one-line reason
    /// when the name breaks <see cref="NameRules"/>, belongs to another identity (<see cref="ChatOptions.IsNameOwnedByOther"/>:
    /// names belong to the identity that first used them, connected or not), or looks like the name of a connected
    /// peer (a peer's name is its own while it is connected, as the operator's is).
    /// </summary>
    public override void ChangeName(string name)
    {
        if (!NameRules.TryValidate(name, out name, out string problem))
        {
            throw new ArgumentException(problem);
        }

        if (_members.ConnectedHolder(name) is { } connected)
        {
            throw LooksLikeConnected(name, connected);
        }

        if (_options.IsNameOwnedByOther?.Invoke(name) == true)
        {
            throw new ArgumentException($"the name {SafeText.Name(name)} belongs to another identity on this server");
        }

        string old = Name;
        if (!_members.TrySetOwnName(name, out string holder))
        {
            throw LooksLikeConnected(name, holder); // a peer took it meanwhile
        }

        _options.OperatorNameTaken?.Invoke(name);
        if (old != name)
        {
            _members.AnnounceOperatorRenamed(_operatorDigest, old, name);
        }
    }

    private static ArgumentException LooksLikeConnected(string name, string holder) =>
        new($"the name {SafeText.Name(name)} looks like {SafeText.Name(holder)}, a connected peer's name");

    /// <summary>Stops accepting, closes every link cleanly (peers see the server leave), and waits for them.</summary>
    public override async Task StopAsync()
    {
        if (_listener is not null)
        {
            await _listener.StopAsync().ConfigureAwait(false);
        }

        await Task.WhenAll(_members.Links.Select(l => l.CloseAsync(AlertCode.ServerShuttingDown))).ConfigureAwait(false);
        _keyPairs.Dispose();
        _presenceFlusher?.Dispose();
        ChatMetrics.Unwatch(_metrics);
        _stopped.TrySetResult();
    }

    private void Accept(Socket socket)
    {
        int id = Interlocked.Increment(ref _nextId);
        string address = (socket.RemoteEndPoint as IPEndPoint)?.Address.ToString() ?? "?";
        SessionSettings settings = SessionSettingsFactory.Create(_options, SessionRole.Server, _members.OwnName, CheckClient) with
        {
            HelloGate = socket.RemoteEndPoint is IPEndPoint remote ? _puzzles.For(remote.Address) : null,
            KeyPairs = _keyPairs,
        };
        var link = new Link(id, socket, settings, _options, _derivationGate, Translate, DefaultPeerName, _outputBudget, () => Interlocked.Increment(ref _rekeyJobs), _presenceFlusher, _writes);
        AdmissionVerdict verdict = _admission.TryAdmit(link, _members.Count);
        _metrics.HandshakeStarted();
        _members.Add(link);
        OnStageChanged(link.Snapshot());
        link.Start(verdict switch
        {
            AdmissionVerdict.Admitted => null,
            AdmissionVerdict.RateLimited => FailureReason.RateLimited,
            _ => FailureReason.ServerBusy,
        });

        IdentityVerdict CheckClient(PeerIdentity peer) =>
            _options.CheckPeerIdentity?.Invoke(address, peer) ?? IdentityVerdict.Accept(TrustState.New);

        _ = link.Completion.ContinueWith(
            _ =>
            {
                _members.Remove(link);
                _admission.Left(link);
                if (_joined.TryRemove(link.Id, out byte _))
                {
                    _metrics.SessionEnded(dropReason: null); // ended with no Closed or Failed event
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>A client is secure: it joins under its name (told its final name and the members) and is announced.</summary>
    private protected override Action? OnLinkEstablished(Link link)
    {
        _admission.Completed(link);
        if (link.Prefix is { } prefix)
        {
            _guesses?.Succeeded(prefix);
        }

        if (_joined.TryAdd(link.Id, 0))
        {
            _metrics.HandshakeCompleted();
        }

        link.Renames.TryTake(); // the first name counts in the burst (a full bucket: always granted)
        HubMembership.Change joined = _members.Join(link); // the members are told at once
        return () => Publish(link, joined);
    }

    private protected override void OnLinkNamed(Link link, string name)
    {
        if (!link.NickRecords.TryTake())
        {
            // Far beyond what a person types: a program flooding the hub, not someone to tell "too fast".
            link.Fail(FailureReason.ProtocolViolation, $"a flood of name changes (more than {_options.NickFloodBurst} at once or faster than one per {_options.NickFloodInterval.TotalSeconds:0.#} s)");
            return;
        }

        if (!link.Renames.TryTake())
        {
            // Too fast for the others to be told of every change: refused, and the peer is told (Presence refused).
            _members.RefuseRename(link);
            return;
        }

        Rename(link, name);
    }

    /// <summary>A connection answered with a puzzle is no failure (its client comes back with the work done): it is reported as such.</summary>
    private protected override void OnLinkFailed(Link link, SessionFailure failure)
    {
        if (failure.Reason == FailureReason.PuzzleRequired)
        {
            _metrics.PuzzleSent();
            OnPuzzleSent(link.Snapshot());
        }
        else
        {
            base.OnLinkFailed(link, failure);
        }
    }

    /// <summary>A member's Chat: shown to the operator and relayed to the others when it is for <see cref="ChatEndpoint.Lobby"/>, the one room.</summary>
    private protected override void OnLinkMessage(Link link, MessageReceivedEvent message)
    {
        if (!RoomName.AreSame(message.Room, Lobby))
        {
            ReplyCode code = RoomName.IsValid(message.Room) ? ReplyCode.NotMember : ReplyCode.BadRoomName;
            link.RunIfSecure(chat => chat.SendReply(code, ReplyRecord.OpChat, message.Room, new byte[WireFormat.IdentityDigestSize], string.Empty, string.Empty));
            return;
        }

        PeerIdentity peer = link.Peer!;
        OnMessageReceived(new ChatMessage(link.Name, message.Text, DateTimeOffset.Now, link.Snapshot()) { SenderIdentity = peer.Fingerprint, Room = Lobby });
        long start = _metrics.Sealing();
        _metrics.Sealed(_members.Relay(link, peer.Digest, link.Name, message.Text), start, _outputBudget.Unsent);
    }

    private protected override void OnLinkEnded(Link link)
    {
        if (link.ReachedConfirmation && link.Peer is null && link.Failure?.Reason != FailureReason.ServerBusy)
        {
            // Confirmation failed, or the client left once it knew: with a passphrase, that is one online guess. A
            // handshake the server itself gave up on as busy is no guess of the client's.
            _guesses?.Failed();
            if (link.Prefix is { } prefix)
            {
                _puzzles.Penalize(prefix);
            }
        }

        _admission.Completed(link);
        Measure(link);
        if (_members.Leave(link) is { } change)
        {
            Publish(link, change);
        }
    }

    /// <summary>Counts a link's end: a joined peer's session (dropped by the server or not), else a failed handshake.</summary>
    private void Measure(Link link)
    {
        SessionFailure? failure = link.Failure;
        if (_joined.TryRemove(link.Id, out _))
        {
            _metrics.SessionEnded(link.DroppedForServerBudget ? "server_budget" : DropReason(failure?.Reason));
        }
        else if (failure is not null && failure.Reason != FailureReason.PuzzleRequired)
        {
            _metrics.HandshakeFailed(failure.Reason);
        }
    }

    /// <summary>Why the server dropped a joined peer, or null when the peer left (or the server shut down).</summary>
    private static string? DropReason(FailureReason? reason) => reason switch
    {
        null or FailureReason.ConnectionLost or FailureReason.RefusedByPeer or FailureReason.ServerShuttingDown => null,
        FailureReason.PeerTooSlow => "too_slow",
        FailureReason.IdleTimeout => "idle",
        FailureReason.ProtocolViolation or FailureReason.FrameTooLarge => "protocol_error",
        { } other => ServerMetrics.Name(other),
    };

    /// <summary>A member asked for another name: it gets it (or another) and is told which (Presence you); the others hear of it.</summary>
    private void Rename(Link link, string requested)
    {
        if (_members.Rename(link, requested) is { } change)
        {
            Publish(link, change);
        }
    }

    /// <summary>Tells this side's app of a membership change (the members were told by <see cref="HubMembership"/>).</summary>
    private void Publish(Link link, HubMembership.Change change) =>
        OnPresenceChanged(new PresenceNotice(change.Kind, change.Name, change.NewName, link.Snapshot()) { Identity = IdentityFingerprint.FromDigest(change.Digest) });
}
