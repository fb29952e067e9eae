using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;
using SecureChat.Tui.App;
using SecureChat.Tui.CommandLine;

namespace SecureChat.Tui.Headless;

/// <summary>
/// <c>--headless</c>: no full screen. Lines read from standard input are sent; every event is one flushed line on
/// standard output, in the words of the classic command-line chat (<c>[*] Server listening on ...</c>,
/// <c>[Client]: text</c>). <c>exit</c> or the end of input closes the connection; exit code 0, or 1 when the
/// connection could not be made.
/// </summary>
internal sealed class HeadlessRunner
{
    private static readonly TimeSpan s_stopTimeout = TimeSpan.FromSeconds(5);

    private readonly AppSettings _settings;
    private readonly ChatOptions _options;
    private readonly TextReader _input;
    private readonly HeadlessOutput _out;
    private readonly HashSet<int> _announced = [];

    public HeadlessRunner(AppSettings settings, ChatOptions options, TextReader input, TextWriter output, TextWriter error)
    {
        _settings = settings;
        _options = options;
        _input = input;
        _out = new HeadlessOutput(output, error);
    }

    public int Run() => _settings.Role == ChatRole.Server ? RunServer() : RunClient();

    private int RunServer()
    {
        var server = new ChatServer(_options);
        Subscribe(server, isServer: true);
        int port;
        try
        {
            port = server.Start(_settings.Host, _settings.Port).Port;
        }
        catch (ChatConnectionException e)
        {
            _out.Error($"[!] {e.Message}");
            return 1;
        }

        _out.Line($"[*] Server listening on {_settings.Host}:{port}");
        _out.Line("[*] Waiting for client connection...");
        ReadAndSend(server, () => server.SecurePeerCount > 0, "[!] no client is connected yet: message not sent", Task.Delay(Timeout.Infinite));
        Stop(server);
        return 0;
    }

    private int RunClient()
    {
        var client = new ChatClient(_options);
        Subscribe(client, isServer: false);
        _out.Line($"[*] Connecting to {_settings.Address}...");
        try
        {
            client.ConnectAsync(_settings.Host, _settings.Port).GetAwaiter().GetResult();
        }
        catch (ChatConnectionException e)
        {
            _out.Error($"[!] {e.Message}");
            Stop(client);
            return 1;
        }

        _out.Line("[*] Secure connection established!");
        if (client.Server is { } server)
        {
            PrintKey(server);
        }

        ReadAndSend(client, () => client.Server is { } s && StageWords.IsSecure(s.Stage), "[!] the connection is not secure: message not sent", client.Completion);
        Stop(client);
        return 0;
    }

    /// <summary>Sends lines until <c>exit</c>, the end of input, or <paramref name="ended"/> (the link closed).</summary>
    private void ReadAndSend(ChatEndpoint endpoint, Func<bool> canSend, string cannotSend, Task ended)
    {
        // Reading stdin cannot be cancelled, so it runs on its own (background) thread and we wait for either.
        var lines = Task.Run(async () =>
        {
            while (await _input.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                if (line.Trim() == "exit")
                {
                    return;
                }

                if (line.Length == 0)
                {
                    continue;
                }

                if (!canSend())
                {
                    _out.Error(cannotSend);
                    continue;
                }

                try
                {
                    await endpoint.SendAsync(line).ConfigureAwait(false);
                }
                catch (Exception e) when (e is InvalidOperationException or ArgumentException)
                {
                    _out.Error($"[!] message not sent: {e.Message}");
                }
            }
        });
        Task.WaitAny(lines, ended);
    }

    private void Subscribe(ChatEndpoint endpoint, bool isServer)
    {
        endpoint.StageChanged += peer =>
        {
            if (peer.Stage == SessionStage.Connected && Announce(peer.Id))
            {
                _out.Line(isServer ? $"[*] New connection from {StageWords.ClassicAddress(peer.RemoteEndPoint)}" : "[*] Connected to server");
            }
        };
        endpoint.Established += peer =>
        {
            if (isServer)
            {
                _out.Line($"[*] Secure connection established with {StageWords.ClassicAddress(peer.RemoteEndPoint)}");
                PrintKey(peer);
            }
        };
        endpoint.Rekeyed += peer => _out.Line($"[*] Keys renewed with {peer.Name}; new key fingerprint: {peer.Fingerprint}");
        endpoint.MessageReceived += message => _out.Line($"[{message.Sender}]: {message.Text}");
        endpoint.PresenceChanged += notice => _out.Line(notice.Kind switch
        {
            PresenceKind.Joined => $"[*] {notice.Name} joined",
            PresenceKind.Left => $"[*] {notice.Name} left",
            _ => $"[*] {notice.Name} is now known as {notice.NewName}",
        });
        endpoint.Failed += (peer, failure) =>
        {
            if (isServer || peer.Stage != SessionStage.Failed || peer.Fingerprint is not null)
            {
                _out.Error($"[!] {(isServer ? StageWords.ClassicAddress(peer.RemoteEndPoint) + ": " : string.Empty)}{failure.Message}");
            }
        };
        endpoint.Closed += (peer, byPeer) => _out.Line(isServer
            ? $"[*] Connection closed with {StageWords.ClassicAddress(peer.RemoteEndPoint)}"
            : byPeer ? "[*] Server closed the connection" : "[*] Connection closed");
    }

    private bool Announce(int id)
    {
        lock (_announced)
        {
            return _announced.Add(id);
        }
    }

    private void PrintKey(PeerInfo peer)
    {
        _out.Line($"[*] Key fingerprint: {peer.Fingerprint}");
        _out.Line($"[*] Short authentication string (compare with your peer): {peer.Sas}");
    }

    private static void Stop(ChatEndpoint endpoint)
    {
        try
        {
            endpoint.StopAsync().Wait(s_stopTimeout);
        }
        catch (AggregateException)
        {
            // Already reported through Failed.
        }
    }
}
