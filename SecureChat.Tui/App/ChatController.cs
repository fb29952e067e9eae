using System.Collections.Concurrent;
using System.Text;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;
using SecureChat.Tui.Views;

namespace SecureChat.Tui.App;

/// <summary>
/// Binds one <see cref="ChatEndpoint"/> to one <see cref="ChatWindow"/>: engine events (raised on network threads)
/// are queued and applied to the views in batches on the UI thread through <c>post</c> (in the app,
/// <c>IApplication.Invoke</c>), so a flood of messages costs one UI callback per batch, not one per message; lines
/// the user types become messages or commands. After <see cref="Detach"/> nothing more is posted, which lets
/// the app be disposed safely. Thread-safe for the engine's callbacks; everything else runs on the UI thread.
/// </summary>
internal sealed class ChatController
{
    /// <summary>Most updates applied per UI callback; the rest wait for the next one so typing stays responsive.</summary>
    public const int BatchLimit = 500;

    private readonly ChatEndpoint _endpoint;
    private readonly ChatWindow _window;
    private readonly Action<Action> _post;
    private readonly Action _quit;
    private readonly ConcurrentQueue<Action> _updates = new();
    private readonly object _gate = new();
    private readonly Dictionary<int, PeerInfo> _links = [];
    private bool _detached;
    private int _scheduled;
    private PeerInfo? _lastClientLink;
    private string? _keyHash;

    public ChatController(ChatEndpoint endpoint, ChatWindow window, Action<Action> post, Action quit)
    {
        _endpoint = endpoint;
        _window = window;
        _post = post;
        _quit = quit;
        IsServer = endpoint is ChatServer;
        _window.LineEntered += OnLineEntered;
        _endpoint.StageChanged += OnStageChanged;
        _endpoint.Established += OnEstablished;
        _endpoint.Rekeyed += OnRekeyed;
        _endpoint.MessageReceived += OnMessageReceived;
        _endpoint.PresenceChanged += OnPresenceChanged;
        _endpoint.Failed += OnFailed;
        _endpoint.Closed += OnClosed;
    }

    public bool IsServer { get; }

    /// <summary>Set when a client could not connect or its handshake failed; the app exits non-zero with it.</summary>
    public string? ConnectFailure { get; private set; }

    /// <summary>Client: connects in the background; on failure remembers why and quits the app.</summary>
    public Task ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        var client = (ChatClient)_endpoint;
        return Task.Run(
            async () =>
            {
                try
                {
                    await client.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
                }
                catch (ChatConnectionException e)
                {
                    ConnectFailure = e.Message;
                    Enqueue(_quit);
                }
                catch (OperationCanceledException)
                {
                    // The user quit while connecting.
                }
            },
            CancellationToken.None);
    }

    /// <summary>Server: says where it listens.</summary>
    public void ShowListening(string address)
    {
        _window.Pane.Append(Notice($"listening on {address}; waiting for clients (type /help for commands)"));
        UpdateStatus();
    }

    /// <summary>Stops posting to the UI. Call after the endpoint has stopped and before the app is disposed.</summary>
    public void Detach()
    {
        lock (_gate)
        {
            _detached = true;
        }

        _endpoint.StageChanged -= OnStageChanged;
        _endpoint.Established -= OnEstablished;
        _endpoint.Rekeyed -= OnRekeyed;
        _endpoint.MessageReceived -= OnMessageReceived;
        _endpoint.PresenceChanged -= OnPresenceChanged;
        _endpoint.Failed -= OnFailed;
        _endpoint.Closed -= OnClosed;
        _window.LineEntered -= OnLineEntered;
    }

    // ---- engine threads ----

    private void OnStageChanged(PeerInfo peer) => Enqueue(() =>
    {
        bool isNew = !_links.ContainsKey(peer.Id);
        Track(peer);
        if (IsServer && isNew)
        {
            _window.Pane.Append(Notice($"connection from {StageWords.Address(peer.RemoteEndPoint)}: exchanging keys"));
        }
        else if (!IsServer && peer.Stage == SessionStage.Connecting)
        {
            _window.Pane.Append(Notice($"connecting to {StageWords.Address(peer.RemoteEndPoint)}..."));
        }
    });

    private void OnEstablished(PeerInfo peer) => Enqueue(() =>
    {
        Track(peer);
        _keyHash = peer.Fingerprint;
        string who = IsServer ? $"{StageWords.Address(peer.RemoteEndPoint)}" : $"the server at {StageWords.Address(peer.RemoteEndPoint)}";
        _window.Pane.Append(Notice($"secure connection with {who}; key fingerprint {peer.Fingerprint}, SAS {peer.Sas} (/fingerprint explains how to check it)"));
    });

    private void OnRekeyed(PeerInfo peer) => Enqueue(() =>
    {
        Track(peer);
        _keyHash = peer.Fingerprint;
        _window.Pane.Append(Notice($"new keys with {peer.Name}: fingerprint {peer.Fingerprint}, SAS {peer.Sas}"));
    });

    private void OnMessageReceived(ChatMessage message) => Enqueue(() =>
        _window.Pane.Append(new PaneEntry(message.ReceivedAt, message.Sender, message.Text, EntryKind.Message)));

    private void OnPresenceChanged(PresenceNotice notice) => Enqueue(() =>
    {
        string text = notice.Kind switch
        {
            PresenceKind.Joined => $"{notice.Name} joined",
            PresenceKind.Left => $"{notice.Name} left",
            PresenceKind.Renamed => $"{notice.Name} is now known as {notice.NewName}",
            _ => $"{notice.Name}: {notice.Kind}",
        };
        _window.Pane.Append(Notice(text));
    });

    private void OnFailed(PeerInfo peer, SessionFailure failure) => Enqueue(() =>
    {
        Forget(peer);
        string where = IsServer ? $"{peer.Name} ({StageWords.Address(peer.RemoteEndPoint)}): " : string.Empty;
        _window.Pane.Append(new PaneEntry(DateTimeOffset.Now, string.Empty, where + failure.Message, EntryKind.Error));
    });

    private void OnClosed(PeerInfo peer, bool byPeer) => Enqueue(() =>
    {
        Forget(peer);
        string text = (IsServer, byPeer) switch
        {
            (true, true) => $"{peer.Name} ({StageWords.Address(peer.RemoteEndPoint)}) disconnected",
            (true, false) => $"closed the connection with {peer.Name}",
            (false, true) => "the server closed the connection",
            (false, false) => "disconnected",
        };
        _window.Pane.Append(Notice(text));
    });

    private void Enqueue(Action update)
    {
        _updates.Enqueue(update);
        Schedule();
    }

    private void Schedule()
    {
        lock (_gate)
        {
            if (_detached || Interlocked.CompareExchange(ref _scheduled, 1, 0) != 0)
            {
                return;
            }

            _post(Drain);
        }
    }

    // ---- UI thread ----

    private void Drain()
    {
        for (int i = 0; i < BatchLimit && _updates.TryDequeue(out Action? update); i++)
        {
            update();
        }

        UpdateStatus();
        Volatile.Write(ref _scheduled, 0);
        if (!_updates.IsEmpty)
        {
            Schedule();
        }
    }

    private void Track(PeerInfo peer)
    {
        _links[peer.Id] = peer;
        if (!IsServer)
        {
            _lastClientLink = peer;
        }
    }

    private void Forget(PeerInfo peer)
    {
        if (IsServer)
        {
            _links.Remove(peer.Id);
        }
        else
        {
            _links[peer.Id] = peer;
            _lastClientLink = peer;
        }
    }

    private void UpdateStatus()
    {
        if (IsServer)
        {
            PeerInfo? handshaking = _links.Values.Where(p => StageWords.IsHandshaking(p.Stage)).OrderBy(p => p.Id).LastOrDefault();
            string stage = handshaking is not null ? StageWords.Describe(handshaking.Stage)
                : _links.Values.Any(p => p.Stage == SessionStage.Rekeying) ? "rekeying"
                : _links.Values.Any(p => p.Stage == SessionStage.Secure) ? "secure"
                : "listening";
            int secure = _links.Values.Count(p => StageWords.IsSecure(p.Stage));
            if (secure == 0)
            {
                _keyHash = null;
            }

            _window.SetStage(stage);
            _window.SetPeer(secure == 1 ? "1 peer" : $"{secure} peers");
        }
        else
        {
            _window.SetStage(_lastClientLink is null ? "starting" : StageWords.Describe(_lastClientLink.Stage));
            _window.SetPeer(_lastClientLink is null ? "no peer" : "peer " + StageWords.Address(_lastClientLink.RemoteEndPoint));
        }

        _window.SetKeyHash(_keyHash);
    }

    private void OnLineEntered(string line)
    {
        string trimmed = line.Trim();
        if (trimmed == "exit")
        {
            _quit();
            return;
        }

        if (trimmed.StartsWith('/'))
        {
            RunCommand(trimmed);
            return;
        }

        _ = SendAsync(line);
    }

    private async Task SendAsync(string line)
    {
        if (Encoding.UTF8.GetByteCount(line) > ChatOptions.MaxMessageBytes)
        {
            _window.Pane.Append(Error($"not sent: a message is at most {ChatOptions.MaxMessageBytes} bytes"));
            return;
        }

        bool anyoneSecure = IsServer ? ((ChatServer)_endpoint).SecurePeerCount > 0 : _lastClientLink is { } link && StageWords.IsSecure(link.Stage);
        if (!anyoneSecure)
        {
            _window.Pane.Append(Error(IsServer ? "not sent: no client is connected yet" : "not sent: the connection is not secure yet"));
            return;
        }

        _window.Pane.Append(new PaneEntry(DateTimeOffset.Now, _endpoint.Name, line, EntryKind.Own));
        try
        {
            await _endpoint.SendAsync(line).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            Enqueue(() => _window.Pane.Append(Error("not sent: " + e.Message)));
        }
    }

    private void RunCommand(string line)
    {
        int space = line.IndexOf(' ', StringComparison.Ordinal);
        string command = (space < 0 ? line : line[..space]).ToLowerInvariant();
        string argument = space < 0 ? string.Empty : line[(space + 1)..].Trim();
        switch (command)
        {
            case "/help":
                foreach (string help in HelpLines)
                {
                    _window.Pane.Append(Notice(help));
                }

                break;
            case "/fingerprint":
                ShowFingerprints();
                break;
            case "/rekey":
                int started = _endpoint.RequestRekey();
                _window.Pane.Append(started > 0 ? Notice($"rekey started on {started} link(s)") : Error("no secure link to rekey"));
                break;
            case "/peers":
                ShowPeers();
                break;
            case "/nick":
                try
                {
                    _endpoint.ChangeName(argument);
                    _window.Pane.Append(Notice($"you are now known as {argument}"));
                }
                catch (ArgumentException)
                {
                    _window.Pane.Append(Error($"usage: /nick NAME (1 to {ChatOptions.MaxNameBytes} bytes)"));
                }

                break;
            case "/clear":
                _window.Pane.Clear();
                break;
            case "/quit":
                _quit();
                break;
            default:
                _window.Pane.Append(Error($"unknown command {command}; type /help"));
                break;
        }
    }

    private static readonly string[] HelpLines =
    [
        "commands: /help  /fingerprint  /rekey  /peers  /nick NAME  /clear  /quit (or type exit, or press F10)",
        "/fingerprint shows the key hash and the short authentication string (SAS) to compare with your peer",
        "/rekey runs a fresh key exchange; /peers lists who is connected (server); PgUp/PgDn or the wheel scroll",
    ];

    private void ShowFingerprints()
    {
        IEnumerable<PeerInfo> links = IsServer ? ((ChatServer)_endpoint).Peers : ((ChatClient)_endpoint).Server is { } server ? [server] : [];
        bool any = false;
        foreach (PeerInfo link in links.Where(l => l.Fingerprint is not null))
        {
            any = true;
            _window.Pane.Append(Notice($"{link.Name} ({StageWords.Address(link.RemoteEndPoint)}): fingerprint {link.Fingerprint}  SAS {link.Sas}"));
        }

        if (!any)
        {
            _window.Pane.Append(Error("no secure link yet: nothing to compare"));
            return;
        }

        _window.Pane.Append(Notice("compare out of band: read the SAS aloud to your peer by phone or in person; both screens must show the same digits."));
        _window.Pane.Append(Notice("if they differ, someone may be in the middle: quit (F10) and do not trust this connection."));
    }

    private void ShowPeers()
    {
        if (!IsServer)
        {
            PeerInfo? server = ((ChatClient)_endpoint).Server;
            _window.Pane.Append(Notice(server is null ? "not connected" : $"connected to {server.Name} at {StageWords.Address(server.RemoteEndPoint)} ({StageWords.Describe(server.Stage)}); other clients are announced as they join"));
            return;
        }

        IReadOnlyList<PeerInfo> peers = ((ChatServer)_endpoint).Peers;
        if (peers.Count == 0)
        {
            _window.Pane.Append(Notice("no peers connected"));
            return;
        }

        foreach (PeerInfo peer in peers)
        {
            _window.Pane.Append(Notice($"{peer.Name} at {StageWords.Address(peer.RemoteEndPoint)}: {StageWords.Describe(peer.Stage)}{(peer.Fingerprint is null ? string.Empty : ", key " + peer.Fingerprint)}"));
        }
    }

    private static PaneEntry Notice(string text) => new(DateTimeOffset.Now, string.Empty, text, EntryKind.Notice);

    private static PaneEntry Error(string text) => new(DateTimeOffset.Now, string.Empty, text, EntryKind.Error);
}
