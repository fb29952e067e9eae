using SecureChat.Engine.Chat;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Identity;
using SecureChat.Engine.Transport;
using SecureChat.Tui.CommandLine;

namespace SecureChat.Tui.App;

/// <summary>
/// The chat's loading job: the identity and trust files, the ignored people and a client's rooms, the endpoint, and
/// the model that follows it (started before the endpoint, so no event of the first connection is missed).
/// </summary>
internal sealed partial class ChatLifetime
{
    private static (ChatOptions, LocalTrust?) OpenTrust(AppSettings settings, byte[] passphrase)
    {
        LocalTrust trust = LocalTrust.Open(settings);
        try
        {
            return (trust.Apply(Options(settings, passphrase), settings.Role), trust);
        }
        catch
        {
            trust.Dispose();
            throw;
        }
    }

    /// <summary>The name an endpoint goes by before it exists: the one its own options will give it.</summary>
    private static string DefaultName(AppSettings settings) =>
        settings.Name.Length > 0 ? NameRules.Normalize(settings.Name) : settings.Role == ChatRole.Server ? "Server" : "Client";

    /// <summary>Loads the options and trust and creates the endpoint; returns the one-line reason when they cannot be used.</summary>
    private string? Load()
    {
        ChatOptions options;
        try
        {
            (options, _trust) = _load();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }

        try
        {
            // The people ignored, and a client's rooms on this server (by the identity pinned for its address), kept
            // from the last run.
            if (_trust is not null)
            {
                _ignored = new IgnoredFile(_trust.Directory);
                _ignored.Read();
                if (_settings.Role == ChatRole.Client)
                {
                    _rooms = new RoomsFile(_trust.Directory);
                    options = options with { Rooms = _trust.PinnedServer(_settings.Host, _settings.Port) is { } server ? _rooms.For(server) : [] };
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }

        // The history (its key is beside the identity when it has no passphrase): one that cannot be used is said
        // once the chat shows, and the chat goes on without it.
        if (_trust is not null)
        {
            (_history, _historyProblem) = ChatHistory.Open(_settings, _trust.Directory, _historyPassphrase);
        }

        if (_settings.Role == ChatRole.Server)
        {
            _endpoint = _server = new ChatServer(options);
        }
        else
        {
            _endpoint = _client = new ChatClient(options);
        }

        return null;
    }

    /// <summary>After the first frame: loads, then begins; a load that fails ends the run (its reason is said once the view closed).</summary>
    private ChatModel? LoadAndBegin(BoundPort? port, string address, IChatView view, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return null; // the user quit before the first frame
        }

        if (Load() is { } problem)
        {
            _failure = problem;
            view.Quit();
            return null;
        }

        return Begin(port, address, view, cancellationToken);
    }

    /// <summary>The model follows the endpoint before it starts, so no event of the first connection is missed.</summary>
    private ChatModel Begin(BoundPort? port, string address, IChatView view, CancellationToken cancellationToken)
    {
        bool isServer = _server is not null;
        HistoryView? kept = _history is null ? null : new HistoryView(view, _history, restores: !_settings.Headless);
        if (_historyProblem is { } problem)
        {
            view.Show(ChatLine.Error(problem) with { Event = "history" });
        }

        var model = new ChatModel(_endpoint!, isServer, kept ?? view, _mode.Words)
        {
            History = _history,
            NoHistoryReason = _historyProblem,
            Verify = _trust is null ? null : peer => _trust.Verify(peer, isServer, _settings.Address),
            HoldsLinesAfterEnd = _mode.HoldsLinesAfterEnd,
            Reconnects = _settings.Reconnect,
            OwnIdentity = _trust?.Identity.Fingerprint,
            IdentityFile = _trust is null ? null : Path.Combine(_trust.Directory.Path, "identity.pub"),
            RoomsFile = _rooms,
            IgnoredFile = _ignored,
            MembersFile = _trust is null || isServer ? null : new KnownMembers(_trust.Directory, NameRules.Key),
            OwnDigest = _trust is null ? null : IdentityFingerprint.IdentityDigest(_trust.Identity.PublicKey),
        };
        if (_trust is not null)
        {
            _trust.Noted = model.Note;
        }

        if (kept is not null)
        {
            kept.Hub = () => model.HubIdentity;
        }

        if (_server is not null)
        {
            model.ShowListening(address);
            _server.Start(port!);
        }
        else if (!_opensFirst)
        {
            ChatClient client = _client!;
            _connecting = Task.Run(() => HandshakeAsync(model, view, () => client.ConnectAsync(_settings.Host, _settings.Port, cancellationToken)), CancellationToken.None);
        }

        if (_client is { } reconnecting && _settings.Reconnect)
        {
            // A reconnect that found the server's identity changed ends the run as the first connection would.
            _ = reconnecting.Completion.ContinueWith(_ => RefusedOnReconnect(model, cancellationToken), TaskScheduler.Default);
        }

        return model;
    }
}
