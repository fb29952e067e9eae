using System.Net;
using System.Net.Sockets;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;

namespace SecureChat.Engine.Transport;

/// <summary>
/// The connecting side: one TCP connection to a <see cref="ChatServer"/> (or any SecureChat v1 peer).
/// Thread-safe; events as described on <see cref="ChatEndpoint"/>.
/// </summary>
public sealed class ChatClient : ChatEndpoint
{
    private readonly ChatOptions _options;
    private Connection? _connection;
    private PeerInfo? _connecting;
    private string _name;

    public ChatClient(ChatOptions options)
    {
        options.Validate();
        _options = options;
        _name = options.Name.Length > 0 ? options.Name : "Client";
    }

    public override string Name => _name;

    /// <summary>The link to the server, once connecting has begun.</summary>
    public PeerInfo? Server => _connection?.Snapshot() ?? _connecting;

    public override IReadOnlyList<PeerInfo> Links => Server is { } server ? [server] : [];

    /// <summary>Completes when the link has ended and its socket is closed.</summary>
    public override Task Completion => _connection?.Completion ?? Task.CompletedTask;

    /// <summary>
    /// Connects and runs the handshake; returns once the session is secure. Throws
    /// <see cref="ChatConnectionException"/> with a one-line reason when either fails.
    /// </summary>
    public async Task ConnectAsync(string host, int port, CancellationToken cancellationToken = default)
    {
        if (_connection is not null)
        {
            throw new InvalidOperationException("already connected");
        }

        _connecting = new PeerInfo(0, new DnsEndPoint(host, port), "Server", SessionStage.Connecting, null, null, null);
        OnStageChanged(_connecting);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(new DnsEndPoint(host, port), cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            var failure = SessionFailure.Create(FailureReason.ConnectionFailed, $"{host}:{port}: {SocketErrors.Describe(e)}");
            _connecting = _connecting with { Stage = SessionStage.Failed };
            OnFailed(_connecting, failure);
            throw new ChatConnectionException(failure);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var session = new ChatSession(SessionSettingsFactory.Create(_options, SessionRole.Client));
        var connection = new Connection(1, socket, session, _options, derivationGate: null, OnSessionEvent) { Name = "Server" };
        _connection = connection;
        OnStageChanged(connection.Snapshot());
        connection.Start();
        try
        {
            await connection.Established.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await connection.CloseAsync().ConfigureAwait(false);
            throw;
        }
    }

    public override async ValueTask SendAsync(string text, CancellationToken cancellationToken = default)
    {
        Connection connection = _connection ?? throw new InvalidOperationException("not connected");
        if (!await connection.SendChatAsync(_name, text, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException("the connection is closed");
        }
    }

    public override int RequestRekey() => _connection?.RequestRekey() == true ? 1 : 0;

    public override void ChangeName(string name)
    {
        if (!RecordPayload.IsValidName(name))
        {
            throw new ArgumentException($"a name is 1 to {ChatOptions.MaxNameBytes} bytes of UTF-8", nameof(name));
        }

        _name = name;
        _connection?.RunIfSecure(s => s.SendNick(name));
    }

    public override async Task StopAsync()
    {
        if (_connection is { } connection)
        {
            await connection.CloseAsync().ConfigureAwait(false);
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
                connection.RunIfSecure(s => s.SendNick(_name));
                OnEstablished(connection.Snapshot());
                break;
            case RekeyedEvent:
                OnRekeyed(connection.Snapshot());
                break;
            case MessageReceivedEvent m:
                OnMessageReceived(new ChatMessage(m.Sender.Length > 0 ? m.Sender : connection.Name, m.Text, DateTimeOffset.Now, connection.Snapshot()));
                break;
            case PeerNamedEvent named:
                string old = connection.Name;
                connection.Name = named.Name;
                if (!connection.Joined)
                {
                    connection.Joined = true;
                    OnPresenceChanged(new PresenceNotice(PresenceKind.Joined, named.Name, string.Empty, connection.Snapshot()));
                }
                else if (old != named.Name)
                {
                    OnPresenceChanged(new PresenceNotice(PresenceKind.Renamed, old, named.Name, connection.Snapshot()));
                }

                break;
            case PresenceEvent p:
                OnPresenceChanged(new PresenceNotice(p.Kind, p.Name, p.NewName, connection.Snapshot()));
                break;
            case ClosedEvent closed:
                OnClosed(connection.Snapshot(), closed.ByPeer);
                break;
            case FailedEvent failed:
                OnFailed(connection.Snapshot(), failed.Failure);
                break;
        }
    }
}
