using System.Runtime.InteropServices;
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
internal sealed partial class ChatLifetime
{
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How long a client waits for its connection before it opens the view anyway (a refusal comes sooner).</summary>

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
    private RoomsFile? _rooms;
    private IgnoredFile? _ignored;
    private byte[] _historyPassphrase = [];
    private ChatHistory? _history;
    private string? _historyProblem;
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
        Reconnect = settings.Reconnect,
    };

    /// <summary>
    /// Runs a chat in <paramref name="mode"/>; returns the exit code. <paramref name="trust"/> holds this user's
    /// identity and trust files (its checks are already in <paramref name="options"/>); it backs <c>/verify</c> and
    /// tells a refused identity (exit code 3).
    /// </summary>
    /// <param name="historyPassphrase">The history passphrase read for <paramref name="settings"/> (empty: none), not copied.</param>
    public static int Run(AppSettings settings, ChatOptions options, IChatMode mode, LocalTrust? trust = null, byte[]? historyPassphrase = null) =>
        new ChatLifetime(settings, mode, () => (options, trust), opensFirst: false, ownsTrust: false) { _historyPassphrase = historyPassphrase ?? [] }.Run();

    /// <summary>
    /// Runs a server whose view opens before anything its first frame does not need: the port is bound first (a port
    /// in use is still one line, the screen never opened), the view opens with the address in its title and
    /// <see cref="LoadingStage"/> in its status, and once its first frame is drawn the identity key, the trust files
    /// (<see cref="LocalTrust"/>, which it disposes) and the engine are loaded, and the server starts accepting.
    /// A configuration directory or key file that cannot be used ends the run with its one line and exit code 1, as
    /// before the screen opened. <paramref name="passphrase"/> is not copied: it must outlive the call.
    /// </summary>
    public static int RunServerScreenFirst(AppSettings settings, byte[] passphrase, IChatMode mode, byte[]? historyPassphrase = null) =>
        new ChatLifetime(settings, mode, () => OpenTrust(settings, passphrase), opensFirst: true, ownsTrust: true) { _historyPassphrase = historyPassphrase ?? [] }.Run();

    /// <summary>
    /// As <see cref="RunServerScreenFirst"/> for a client: the connection is made first (a refusal within
    /// <see cref="AppSettings.OpenDelay"/> is one line, the screen never opened), the view opens once it is made or
    /// <see cref="AppSettings.OpenDelay"/> has passed, and the handshake starts on it once the identity is loaded after the first frame.
    /// </summary>
    public static int RunClientScreenFirst(AppSettings settings, byte[] passphrase, IChatMode mode, byte[]? historyPassphrase = null) =>
        new ChatLifetime(settings, mode, () => OpenTrust(settings, passphrase), opensFirst: true, ownsTrust: true) { _historyPassphrase = historyPassphrase ?? [] }.Run();

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
        IReadOnlyList<ChatLine> pendingReport = [];
        try
        {
            if (_opensFirst && _settings.Role == ChatRole.Client)
            {
                // The connection needs no identity: it is made at once, and a refusal said without opening the screen.
                Task<OpenedConnection?> opening = OpenAsync(deferred, cancel.Token);
                _connecting = HandshakeWhenBegunAsync(opening, deferred, cancel.Token);
                opening.Wait(_settings.OpenDelay);
            }

            if (!_opensFirst)
            {
                started = Task.FromResult<ChatModel?>(Begin(port, address, deferred, cancel.Token));

                // A connection refused or a name not found fails within milliseconds: report it without ever
                // opening (and flashing) the full screen. What the model says meanwhile is kept for the view.
                _connecting.Wait(_settings.OpenDelay);
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
            pendingReport = Model(started)?.TakePendingReport() ?? [];
            if (opened)
            {
                _mode.Close();
            }

            if (_ownsTrust)
            {
                _trust?.Dispose();
            }

            _history?.Dispose();
        }

        // After the full screen closed: lines typed while the connection was away, and never sent, stay in the scrollback.
        foreach (ChatLine line in pendingReport)
        {
            _mode.ReportFailure(line.Text);
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
