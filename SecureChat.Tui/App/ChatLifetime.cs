using System.Runtime.InteropServices;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;
using SecureChat.Tui.CommandLine;

namespace SecureChat.Tui.App;

/// <summary>
/// A chat from start to exit, the same in both modes: creates the endpoint (the only code that tells a server from
/// a client by type), starts listening or connecting, runs the mode until the user quits, stops the network
/// (waiting at most <see cref="StopTimeout"/>) before the mode closes its view, and says how it ended
/// (<see cref="ExitCodes"/>: 0, or 1 when the server could not listen, or the client could not connect or lost its
/// connection, or 3 when the client refused its server's changed identity: the view still opens for that, so the
/// full screen can warn before the run ends). SIGTERM, SIGHUP and SIGINT quit as the user would: links are closed
/// cleanly, so peers see a normal leave, and the terminal is restored. Used from the main thread (the background connect and the signal handlers
/// only record what happened and ask the view to quit).
/// </summary>
internal sealed class ChatLifetime
{
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How long a client waits for its connection before it opens the view anyway (a refusal comes sooner).</summary>
    public static readonly TimeSpan OpenDelay = TimeSpan.FromMilliseconds(300);

    /// <summary>The status while a view that opened first loads its identity and trust files.</summary>
    public const string LoadingStage = "loading identity...";

    private readonly AppSettings _settings;
    private readonly IChatMode _mode;
    private readonly Func<(ChatOptions Options, LocalTrust? Trust)> _load;
    private readonly bool _opensFirst;
    private readonly bool _ownsTrust;
    private ChatServer? _server;
    private ChatClient? _client;
    private ChatEndpoint? _endpoint;
    private LocalTrust? _trust;
    private Task _connecting = Task.CompletedTask;
    private readonly TaskCompletionSource<ChatModel?> _begun = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile string? _failure;
    private volatile IChatView? _view;

    private ChatLifetime(AppSettings settings, IChatMode mode, Func<(ChatOptions, LocalTrust?)> load, bool opensFirst, bool ownsTrust)
    {
        _settings = settings;
        _mode = mode;
        _load = load;
        _opensFirst = opensFirst;
        _ownsTrust = ownsTrust;
    }

    /// <summary>The engine's options for the command line's settings and the passphrase read for them (not copied).</summary>
    public static ChatOptions Options(AppSettings settings, byte[] passphrase) => settings.Limits with
    {
        Name = settings.Name,
        Group = settings.Group,
        Iterations = settings.Iterations,
        MaxIterations = settings.MaxIterations,
        Passphrase = passphrase,
    };

    /// <summary>
    /// Runs a chat in <paramref name="mode"/>; returns the exit code. <paramref name="trust"/> holds this user's
    /// identity and trust files (its checks are already in <paramref name="options"/>); it backs <c>/verify</c> and
    /// tells a refused identity (exit code 3).
    /// </summary>
    public static int Run(AppSettings settings, ChatOptions options, IChatMode mode, LocalTrust? trust = null) =>
        new ChatLifetime(settings, mode, () => (options, trust), opensFirst: false, ownsTrust: false).Run();

    /// <summary>
    /// Runs a server whose view opens before anything its first frame does not need: the port is bound first (a port
    /// in use is still one line, the screen never opened), the view opens with the address in its title and
    /// <see cref="LoadingStage"/> in its status, and once its first frame is drawn the identity key, the trust files
    /// (<see cref="LocalTrust"/>, which it disposes) and the engine are loaded, and the server starts accepting.
    /// A configuration directory or key file that cannot be used ends the run with its one line and exit code 1, as
    /// before the screen opened. <paramref name="passphrase"/> is not copied: it must outlive the call.
    /// </summary>
    public static int RunServerScreenFirst(AppSettings settings, byte[] passphrase, IChatMode mode) =>
        new ChatLifetime(settings, mode, () => OpenTrust(settings, passphrase), opensFirst: true, ownsTrust: true).Run();

    /// <summary>
    /// As <see cref="RunServerScreenFirst"/> for a client: the connection is made first (a refusal within
    /// <see cref="OpenDelay"/> is one line, the screen never opened), the view opens once it is made or
    /// <see cref="OpenDelay"/> has passed, and the handshake starts on it once the identity is loaded after the first frame.
    /// </summary>
    public static int RunClientScreenFirst(AppSettings settings, byte[] passphrase, IChatMode mode) =>
        new ChatLifetime(settings, mode, () => OpenTrust(settings, passphrase), opensFirst: true, ownsTrust: true).Run();

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

    private int Run()
    {
        string address = _settings.Address;
        BoundPort? port = null;
        if (_settings.Role == ChatRole.Server)
        {
            try
            {
                port = BoundPort.Bind(_settings.Host, _settings.Port);
            }
            catch (ChatConnectionException e)
            {
                _mode.ReportFailure(e.Message);
                return ExitCodes.ConnectionFailed;
            }

            address = StageWords.HostPort(_settings.Host, port.LocalEndPoint.Port);
        }

        using BoundPort? unused = port; // closes the port if no server took it
        if (!_opensFirst && Load() is { } problem)
        {
            _mode.ReportFailure(problem);
            return ExitCodes.ConnectionFailed;
        }

        using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using PosixSignalRegistration hangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal);
        using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var cancel = new CancellationTokenSource();
        var deferred = new DeferredView();
        _view = deferred;
        Task<ChatModel?> started = Task.FromResult<ChatModel?>(null);
        bool opened = false;
        try
        {
            if (_opensFirst && _settings.Role == ChatRole.Client)
            {
                // The connection needs no identity: it is made at once, and a refusal said without opening the screen.
                Task<OpenedConnection?> opening = OpenAsync(deferred, cancel.Token);
                _connecting = HandshakeWhenBegunAsync(opening, deferred, cancel.Token);
                opening.Wait(OpenDelay);
            }

            if (!_opensFirst)
            {
                started = Task.FromResult<ChatModel?>(Begin(port, address, deferred, cancel.Token));

                // A connection refused or a name not found fails within milliseconds: report it without ever
                // opening (and flashing) the full screen. What the model says meanwhile is kept for the view.
                _connecting.Wait(OpenDelay);
            }

            if (_failure is null)
            {
                string name = _endpoint?.Name ?? DefaultName(_settings);
                IChatView view = _mode.Open(_settings.Role == ChatRole.Server, address, name);
                opened = true;
                deferred.Attach(view);
                if (_opensFirst)
                {
                    deferred.SetStatus(new ChatStatus(LoadingStage, null, _server is null && _settings.Role == ChatRole.Client ? "no peer" : "0 peers", name));
                    started = _mode.FirstFrame.ContinueWith(
                        _ => LoadAndBegin(port, address, deferred, cancel.Token), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
                }

                _ = started.ContinueWith(t => _begun.TrySetResult(Model(t)), TaskScheduler.Default);

                _mode.Run(started, _connecting);
            }
        }
        finally
        {
            // The view is still open: the network's last events reach a live view (the full screen drops them),
            // and only then is the model detached, so nothing reaches the view after it closed.
            cancel.Cancel();
            ((Task)started).ContinueWith(_ => { }, TaskScheduler.Default).Wait(StopTimeout); // a load still running finishes first
            _begun.TrySetResult(Model(started));
            Stop();
            Model(started)?.Detach();
            if (opened)
            {
                _mode.Close();
            }

            if (_ownsTrust)
            {
                _trust?.Dispose();
            }
        }

        if (started.IsFaulted)
        {
            started.GetAwaiter().GetResult(); // a bug, not a user's problem: thrown as it would have been before the view opened
        }

        if (_trust?.Refusal is { } refusal)
        {
            // After the full screen closed: the warning stays in the terminal's scrollback.
            foreach (string line in refusal.Lines)
            {
                _mode.ReportFailure(line);
            }

            return ExitCodes.TrustRefused;
        }

        if (_failure is { } failure)
        {
            _mode.ReportFailure(failure);
            return ExitCodes.ConnectionFailed;
        }

        if (Model(started)?.LostReason is { } lost)
        {
            _mode.ReportLost(lost);
            return ExitCodes.ConnectionFailed;
        }

        _mode.ReportClosed();
        return ExitCodes.Ok;
    }

    private static ChatModel? Model(Task<ChatModel?> started) => started.IsCompletedSuccessfully ? started.Result : null;

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
        var model = new ChatModel(_endpoint!, isServer, view, _mode.Words)
        {
            Verify = _trust is null ? null : peer => _trust.Verify(peer, isServer, _settings.Address),
            HoldsLinesAfterEnd = _mode.HoldsLinesAfterEnd,
            OwnIdentity = _trust?.Identity.Fingerprint,
            IdentityFile = _trust is null ? null : Path.Combine(_trust.Directory.Path, "identity.pub"),
        };
        if (_trust is not null)
        {
            _trust.Noted = model.Note;
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

        return model;
    }

    /// <summary>A signal asks to quit: as F10 would, once the view is open (before that, the default action ends the process).</summary>
    private void OnSignal(PosixSignalContext context)
    {
        if (_view is { } view)
        {
            context.Cancel = true;

            // A hang-up usually means the terminal is gone, and a view whose terminal is gone may never finish
            // closing: the links get the stop timeout to close cleanly, then the process ends regardless, rather
            // than linger without a terminal. Armed before asking the view, so a view that never answers cannot
            // keep the process alive either.
            _ = Task.Delay(StopTimeout + StopTimeout).ContinueWith(_ => Environment.Exit(ExitCodes.Ok), TaskScheduler.Default);
            view.Quit();
        }
    }

    /// <summary>
    /// Connects in the background; on failure remembers why and ends the run. A server whose identity changed is
    /// refused before anything is sent: the view (the full screen, which opens for it) warns, and the run ends
    /// when the user dismisses the warning.
    /// </summary>
    private async Task HandshakeAsync(ChatModel model, IChatView view, Func<Task> connect)
    {
        try
        {
            await connect().ConfigureAwait(false);
        }
        catch (ChatConnectionException) when (_trust?.Refusal is { } refusal)
        {
            model.IdentityRefused(refusal);
        }
        catch (ChatConnectionException e)
        {
            _failure = Plain(e);
            view.Quit();
        }
        catch (OperationCanceledException)
        {
            // The user quit while connecting.
        }
    }

    /// <summary>Makes a client's connection; null, the run ended with the reason, when it cannot be made.</summary>
    private async Task<OpenedConnection?> OpenAsync(IChatView view, CancellationToken cancellationToken)
    {
        try
        {
            return await OpenedConnection.ConnectAsync(_settings.Host, _settings.Port, cancellationToken).ConfigureAwait(false);
        }
        catch (ChatConnectionException e)
        {
            _failure = Plain(e);
            view.Quit();
            return null;
        }
        catch (OperationCanceledException)
        {
            return null; // the user quit while connecting
        }
    }

    /// <summary>A client that opened its view first: once connected and begun (identity loaded), runs the handshake on that connection.</summary>
    private async Task HandshakeWhenBegunAsync(Task<OpenedConnection?> opening, IChatView view, CancellationToken cancellationToken)
    {
        if (await opening.ConfigureAwait(false) is not { } connection)
        {
            return;
        }

        using (connection) // closes a connection no client took
        {
            if (await _begun.Task.ConfigureAwait(false) is { } model && _client is { } client)
            {
                await HandshakeAsync(model, view, () => client.ConnectAsync(connection, cancellationToken)).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Why connecting failed, in plain words. A peer that answers with something that is not SecureChat (an HTTP or
    /// SSH server: its first bytes read as an absurd length or a malformed message) is named as such.
    /// </summary>
    private string Plain(ChatConnectionException e) => e.Failure.Reason switch
    {
        FailureReason.FrameTooLarge or FailureReason.ProtocolViolation =>
            $"could not connect to {_settings.Address}: the program there does not speak SecureChat (is it the right port?)",
        FailureReason.UnsupportedVersion => $"could not connect to {_settings.Address}: {e.Message}",
        _ => e.Message,
    };

    private void Stop()
    {
        try
        {
            Task.WhenAll(_connecting, _endpoint?.StopAsync() ?? Task.CompletedTask).Wait(StopTimeout);
        }
        catch (AggregateException)
        {
            // Failures were already shown; quitting must not throw.
        }
    }
}
