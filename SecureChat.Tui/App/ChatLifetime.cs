using System.Runtime.InteropServices;
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

    private readonly AppSettings _settings;
    private readonly IChatMode _mode;
    private readonly ChatServer? _server;
    private readonly ChatClient? _client;
    private readonly ChatEndpoint _endpoint;
    private readonly LocalTrust? _trust;
    private volatile string? _failure;
    private volatile IChatView? _view;

    private ChatLifetime(AppSettings settings, ChatOptions options, IChatMode mode, LocalTrust? trust)
    {
        _settings = settings;
        _mode = mode;
        _trust = trust;
        if (settings.Role == ChatRole.Server)
        {
            _endpoint = _server = new ChatServer(options);
        }
        else
        {
            _endpoint = _client = new ChatClient(options);
        }
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
        new ChatLifetime(settings, options, mode, trust).Run();

    private int Run()
    {
        string address = _settings.Address;
        if (_server is not null)
        {
            try
            {
                address = StageWords.HostPort(_settings.Host, _server.Start(_settings.Host, _settings.Port).Port);
            }
            catch (ChatConnectionException e)
            {
                _mode.ReportFailure(e.Message);
                return ExitCodes.ConnectionFailed;
            }
        }

        using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using PosixSignalRegistration hangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal);
        using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var cancel = new CancellationTokenSource();
        Task connecting = Task.CompletedTask;
        var deferred = new DeferredView();
        _view = deferred;
        var model = new ChatModel(_endpoint, _server is not null, deferred, _mode.Words)
        {
            Verify = _trust is null ? null : peer => _trust.Verify(peer, _server is not null, _settings.Address),
            HoldsLinesAfterEnd = _mode.HoldsLinesAfterEnd,
            OwnIdentity = _trust?.Identity.Fingerprint,
            IdentityFile = _trust is null ? null : Path.Combine(_trust.Directory.Path, "identity.pub"),
        };
        if (_trust is not null)
        {
            _trust.Noted = model.Note;
        }

        bool opened = false;
        try
        {
            if (_client is not null)
            {
                // A connection refused or a name not found fails within milliseconds: report it without ever
                // opening (and flashing) the full screen. What the model says meanwhile is kept for the view.
                connecting = ConnectAsync(_client, model, deferred, cancel.Token);
                connecting.Wait(OpenDelay);
            }
            else
            {
                model.ShowListening(address);
            }

            if (_failure is null)
            {
                IChatView view = _mode.Open(_server is not null, address, _endpoint.Name);
                opened = true;
                deferred.Attach(view);
                _mode.Run(model, connecting);
            }
        }
        finally
        {
            // The view is still open: the network's last events reach a live view (the full screen drops them),
            // and only then is the model detached, so nothing reaches the view after it closed.
            cancel.Cancel();
            Stop(connecting);
            model.Detach();
            if (opened)
            {
                _mode.Close();
            }
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

        if (model.LostReason is { } lost)
        {
            _mode.ReportLost(lost);
            return ExitCodes.ConnectionFailed;
        }

        _mode.ReportClosed();
        return ExitCodes.Ok;
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
    private Task ConnectAsync(ChatClient client, ChatModel model, IChatView view, CancellationToken cancellationToken) => Task.Run(
        async () =>
        {
            try
            {
                await client.ConnectAsync(_settings.Host, _settings.Port, cancellationToken).ConfigureAwait(false);
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
        },
        CancellationToken.None);

    /// <summary>
    /// Why connecting failed, in plain words. A peer that answers with something that is not SecureChat (an HTTP or
    /// SSH server: its first bytes read as an absurd length or a malformed message) is named as such.
    /// </summary>
    private string Plain(ChatConnectionException e) => e.Failure.Reason switch
    {
        FailureReason.FrameTooLarge or FailureReason.ProtocolViolation or FailureReason.UnsupportedVersion =>
            $"could not connect to {_settings.Address}: the program there does not speak SecureChat (is it the right port?)",
        _ => e.Message,
    };

    private void Stop(Task connecting)
    {
        try
        {
            Task.WhenAll(connecting, _endpoint.StopAsync()).Wait(StopTimeout);
        }
        catch (AggregateException)
        {
            // Failures were already shown; quitting must not throw.
        }
    }
}
