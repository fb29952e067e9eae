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
    private const string ServerName = "Server";

    private readonly ChatOptions _options;
    private SessionHost? _link;
    private PeerInfo? _connecting;
    private bool _joined;
    private string _name;

    public ChatClient(ChatOptions options)
    {
        options.Validate();
        _options = options;
        _name = options.Name.Length > 0 ? options.Name : "Client";
    }

    public override string Name => _name;

    /// <summary>The link to the server, once connecting has begun.</summary>
    public PeerInfo? Server => _link?.Snapshot() ?? _connecting;

    public override IReadOnlyList<PeerInfo> Links => Server is { } server ? [server] : [];

    /// <summary>Completes when the link has ended and its socket is closed.</summary>
    public override Task Completion => _link?.Completion ?? Task.CompletedTask;

    /// <summary>
    /// Connects and runs the handshake; returns once the session is secure. Throws
    /// <see cref="ChatConnectionException"/> with a one-line reason when either fails.
    /// </summary>
    public async Task ConnectAsync(string host, int port, CancellationToken cancellationToken = default)
    {
        if (_link is not null || _connecting is not null)
        {
            throw new InvalidOperationException("already connected");
        }

        _connecting = new PeerInfo(0, new DnsEndPoint(host, port), ServerName, SessionStage.Connecting, null, null, null);
        OnStageChanged(_connecting);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(new DnsEndPoint(host, port), cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            string where = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]:{port}" : $"{host}:{port}";
            var failure = SessionFailure.Create(FailureReason.ConnectionFailed, $"{where}: {SocketErrors.Describe(e)}");
            _connecting = _connecting with { Stage = SessionStage.Failed };
            OnFailed(_connecting, failure);
            throw new ChatConnectionException(failure);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var link = new SessionHost(1, socket, SessionSettingsFactory.Create(_options, SessionRole.Client), _options, derivationGate: null, Translate, ServerName);
        _link = link;
        OnStageChanged(link.Snapshot());
        link.Start();
        try
        {
            await link.Established.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await link.CloseAsync().ConfigureAwait(false);
            throw;
        }
    }

    public override async ValueTask SendAsync(string text, CancellationToken cancellationToken = default)
    {
        SessionHost link = _link ?? throw new InvalidOperationException("not connected");
        if (!await link.SendChatAsync(_name, text, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException("the connection is closed");
        }
    }

    public override int RequestRekey() => _link?.RequestRekey() == true ? 1 : 0;

    public override void ChangeName(string name)
    {
        if (!ChatOptions.IsValidName(name))
        {
            throw new ArgumentException($"a name is 1 to {ChatOptions.MaxNameBytes} bytes of UTF-8", nameof(name));
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
    }

    private protected override void OnLinkMessage(SessionHost link, string sender, string text) =>
        OnMessageReceived(new ChatMessage(sender.Length > 0 ? sender : link.Name, text, DateTimeOffset.Now, link.Snapshot()));

    /// <summary>The server named itself: it joins (first time) or is renamed. Events for one link never overlap.</summary>
    private protected override void OnLinkNamed(SessionHost link, string name)
    {
        string old = link.Name;
        link.Name = name;
        if (!_joined)
        {
            _joined = true;
            OnPresenceChanged(new PresenceNotice(PresenceKind.Joined, name, string.Empty, link.Snapshot()));
        }
        else if (old != name)
        {
            OnPresenceChanged(new PresenceNotice(PresenceKind.Renamed, old, name, link.Snapshot()));
        }
    }
}
