using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;

namespace SecureChat.Engine.Transport;

/// <summary>
/// The listening side, a hub: each accepted connection is its own session with its own keys. What the operator
/// sends goes to every secure peer; what a peer sends is shown to the operator and relayed to every other peer
/// under that peer's own keys, with the sender's name. Thread-safe.
/// </summary>
/// <remarks>
/// Limits (see <see cref="ChatOptions"/>): a handshake deadline per connection, a bound on connections still
/// in the handshake (more are refused as busy), a bound on concurrent PBKDF2 derivations, a bound on peers, and
/// a bounded backlog per peer (a peer that stops reading is dropped instead of holding the others up).
/// </remarks>
public sealed class ChatServer : ChatEndpoint
{
    private readonly ChatOptions _options;
    private readonly ConcurrentDictionary<int, Connection> _connections = new();
    private readonly ConcurrentDictionary<int, byte> _handshaking = new();
    private readonly SemaphoreSlim _derivationGate;
    private readonly CancellationTokenSource _stopping = new();
    private readonly object _namesGate = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Socket? _listener;
    private Task _acceptLoop = Task.CompletedTask;
    private int _nextId;
    private string _name;

    public ChatServer(ChatOptions options)
    {
        options.Validate();
        _options = options;
        _name = options.Name.Length > 0 ? options.Name : "Server";
        _derivationGate = new SemaphoreSlim(options.MaxConcurrentDerivations, options.MaxConcurrentDerivations);
    }

    public override string Name => _name;

    /// <summary>Where the server listens, once started.</summary>
    public IPEndPoint? LocalEndPoint { get; private set; }

    /// <summary>Every current link, in the order they connected.</summary>
    public IReadOnlyList<PeerInfo> Peers => [.. _connections.Values.OrderBy(c => c.Id).Select(c => c.Snapshot())];

    public override IReadOnlyList<PeerInfo> Links => Peers;

    /// <summary>Completes once <see cref="StopAsync"/> has closed every link.</summary>
    public override Task Completion => _stopped.Task;

    /// <summary>Links whose keys are confirmed.</summary>
    public int SecurePeerCount => _connections.Values.Count(c => c.IsSecure);

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

        IPAddress address;
        try
        {
            address = ResolveListenAddress(host);
        }
        catch (SocketException e)
        {
            throw new ChatConnectionException(SessionFailure.Create(FailureReason.ListenFailed, $"{host}:{port}: {SocketErrors.Describe(e)}"));
        }

        var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(new IPEndPoint(address, port));
            listener.Listen(512);
        }
        catch (SocketException e)
        {
            listener.Dispose();
            throw new ChatConnectionException(SessionFailure.Create(FailureReason.ListenFailed, $"{host}:{port}: {SocketErrors.Describe(e)}"));
        }

        _listener = listener;
        LocalEndPoint = (IPEndPoint)listener.LocalEndPoint!;
        _acceptLoop = Task.Run(AcceptLoopAsync);
        return LocalEndPoint;
    }

    /// <summary>Sends the operator's message to every secure peer (see <see cref="Broadcast"/>).</summary>
    public override ValueTask SendAsync(string text, CancellationToken cancellationToken = default)
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
        if (RecordPayload.StrictUtf8.GetByteCount(text) > ChatOptions.MaxMessageBytes)
        {
            throw new ArgumentException($"a message is at most {ChatOptions.MaxMessageBytes} bytes of UTF-8", nameof(text));
        }

        int sent = 0;
        foreach (Connection connection in _connections.Values)
        {
            if (connection.TryRelayChat(_name, text))
            {
                sent++;
            }
        }

        return sent;
    }

    public override int RequestRekey() => _connections.Values.Count(c => c.RequestRekey());

    public override void ChangeName(string name)
    {
        if (!RecordPayload.IsValidName(name))
        {
            throw new ArgumentException($"a name is 1 to {ChatOptions.MaxNameBytes} bytes of UTF-8", nameof(name));
        }

        lock (_namesGate)
        {
            _name = name;
        }

        foreach (Connection connection in _connections.Values)
        {
            connection.RunIfSecure(s => s.SendNick(name));
        }
    }

    /// <summary>Stops accepting, closes every link cleanly (peers see the server leave), and waits for them.</summary>
    public override async Task StopAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            _stopping.Cancel();
            _listener?.Dispose();
        }

        await _acceptLoop.ConfigureAwait(false);
        await Task.WhenAll(_connections.Values.Select(c => c.CloseAsync(AlertCode.ServerShuttingDown))).ConfigureAwait(false);
        _stopped.TrySetResult();
    }

    private static IPAddress ResolveListenAddress(string host)
    {
        if (IPAddress.TryParse(host, out IPAddress? parsed))
        {
            return parsed;
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }

        IPAddress[] addresses = Dns.GetHostAddresses(host);
        return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.First();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener!.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                break;
            }
            catch (SocketException)
            {
                // A connection reset before we accepted it; nothing to do for the others.
                continue;
            }

            Accept(socket);
        }
    }

    private void Accept(Socket socket)
    {
        int id = Interlocked.Increment(ref _nextId);
        if (_handshaking.Count >= _options.MaxPendingHandshakes || _connections.Count >= _options.MaxPeers)
        {
            EvictIdleHandshake();
        }

        bool busy = _handshaking.Count >= _options.MaxPendingHandshakes || _connections.Count >= _options.MaxPeers;
        var session = new ChatSession(SessionSettingsFactory.Create(_options, SessionRole.Server));
        var connection = new Connection(id, socket, session, _options, _derivationGate, OnSessionEvent) { Name = "Client" };
        _connections[id] = connection;
        _handshaking[id] = 0;
        OnStageChanged(connection.Snapshot());
        connection.Start();
        if (busy)
        {
            connection.Fail(FailureReason.ServerBusy);
        }

        _ = connection.Completion.ContinueWith(
            _ =>
            {
                _connections.TryRemove(id, out Connection? _);
                _handshaking.TryRemove(id, out byte _);
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>
    /// At the limit, makes room by dropping the oldest connection that has not yet sent a complete ClientHello.
    /// An honest client sends its ClientHello at once, so only idle or trickling connections (slowloris) can be
    /// dropped, and a flood of them cannot lock honest clients out.
    /// </summary>
    private void EvictIdleHandshake()
    {
        Connection? idle = _handshaking.Keys
            .Order()
            .Select(id => _connections.TryGetValue(id, out Connection? c) ? c : null)
            .FirstOrDefault(c => c is not null && c.Stage == SessionStage.Connected);
        if (idle is not null)
        {
            _handshaking.TryRemove(idle.Id, out _);
            idle.Fail(FailureReason.ServerBusy);
        }
    }

    private void OnSessionEvent(Connection connection, SessionEvent e)
    {
        switch (e)
        {
            case StageChangedEvent:
                OnStageChanged(connection.Snapshot());
                break;
            case EstablishedEvent:
                _handshaking.TryRemove(connection.Id, out _);
                connection.RunIfSecure(s => s.SendNick(_name));
                OnEstablished(connection.Snapshot());
                break;
            case RekeyedEvent:
                OnRekeyed(connection.Snapshot());
                break;
            case PeerNamedEvent named:
                Rename(connection, named.Name);
                break;
            case MessageReceivedEvent m:
                if (!connection.Joined)
                {
                    // A peer that chats before naming itself joins under the default name.
                    Rename(connection, "Client");
                }

                OnMessageReceived(new ChatMessage(connection.Name, m.Text, DateTimeOffset.Now, connection.Snapshot()));
                foreach (Connection other in _connections.Values)
                {
                    if (other != connection)
                    {
                        other.TryRelayChat(connection.Name, m.Text);
                    }
                }

                break;
            case ClosedEvent closed:
                Leave(connection);
                OnClosed(connection.Snapshot(), closed.ByPeer);
                break;
            case FailedEvent failed:
                Leave(connection);
                OnFailed(connection.Snapshot(), failed.Failure);
                break;
        }
    }

    /// <summary>Gives a peer the name it asked for, made unique among the server and the joined peers.</summary>
    private void Rename(Connection connection, string requested)
    {
        string old;
        string unique;
        bool joining;
        lock (_namesGate)
        {
            old = connection.Name;
            joining = !connection.Joined;
            unique = requested;
            for (int n = 2; IsTaken(unique, connection); n++)
            {
                string suffix = "-" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
                unique = Truncate(requested, ChatOptions.MaxNameBytes - suffix.Length) + suffix;
            }

            connection.Name = unique;
            connection.Joined = true;
        }

        if (joining)
        {
            OnPresenceChanged(new PresenceNotice(PresenceKind.Joined, unique, string.Empty, connection.Snapshot()));
            Announce(connection, PresenceKind.Joined, unique, string.Empty);
        }
        else if (old != unique)
        {
            OnPresenceChanged(new PresenceNotice(PresenceKind.Renamed, old, unique, connection.Snapshot()));
            Announce(connection, PresenceKind.Renamed, old, unique);
        }
    }

    private void Leave(Connection connection)
    {
        _handshaking.TryRemove(connection.Id, out _);
        bool wasJoined;
        lock (_namesGate)
        {
            wasJoined = connection.Joined;
            connection.Joined = false;
        }

        if (wasJoined)
        {
            OnPresenceChanged(new PresenceNotice(PresenceKind.Left, connection.Name, string.Empty, connection.Snapshot()));
            Announce(connection, PresenceKind.Left, connection.Name, string.Empty);
        }
    }

    private void Announce(Connection about, PresenceKind kind, string name, string newName)
    {
        foreach (Connection other in JoinedConnections())
        {
            if (other != about)
            {
                other.RunIfSecure(s => s.SendPresence(kind, name, newName));
            }
        }
    }

    private IEnumerable<Connection> JoinedConnections() => _connections.Values.Where(c => c.Joined);

    private bool IsTaken(string name, Connection asking) =>
        string.Equals(name, _name, StringComparison.OrdinalIgnoreCase) ||
        _connections.Values.Any(c => c != asking && c.Joined && string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

    private static string Truncate(string name, int maxBytes)
    {
        while (RecordPayload.StrictUtf8.GetByteCount(name) > maxBytes)
        {
            name = name[..^1];
            if (name.Length > 0 && char.IsHighSurrogate(name[^1]))
            {
                name = name[..^1];
            }
        }

        return name;
    }
}
