using SecureChat.Engine.Session;

namespace SecureChat.Engine.Transport;

/// <summary>
/// A client's way back to its server when a secure link is lost (<see cref="ChatOptions.Reconnect"/>): it waits
/// the <see cref="Backoff"/> pause of the attempt (on the options' clock; <see cref="Now"/> cuts the wait short),
/// connects again, and carries on with the next attempt when that fails, until a link is secure again. A failure
/// that another attempt cannot mend, or that would lead into a man in the middle (<see cref="Stops"/>: a refused
/// identity, another protocol version, a passphrase mismatch), ends the loop for good. The attempt count starts over
/// once a link has stayed secure for <see cref="SteadyAfter"/>, so a hub that lets a client in and throws it out
/// again at once is not hammered once a second. Thread-safe.
/// </summary>
internal sealed class ReconnectLoop
{
    /// <summary>How long a link must have been secure for the next loss to start again from the first, shortest pause.</summary>
    public static readonly TimeSpan SteadyAfter = Backoff.Ceiling;

    private readonly object _gate = new();
    private readonly Backoff _backoff;
    private readonly TimeProvider _time;
    private readonly Func<CancellationToken, Task> _connect;
    private readonly Action<TimeSpan, int> _reconnecting;
    private readonly Action<SessionFailure> _gaveUp;
    private readonly CancellationTokenSource _stop = new();
    private Task _running = Task.CompletedTask;
    private bool _active;
    private bool _lostAgain;
    private int _attempt;
    private long _securedAt;
    private CancellationTokenSource? _wait;

    /// <param name="connect">Makes one new link and returns once it is secure, or throws <see cref="ChatConnectionException"/>.</param>
    /// <param name="reconnecting">Told each pause before it begins, with the attempt that follows it (1, 2, ...).</param>
    /// <param name="gaveUp">Told, once, the failure that ended the loop for good (<see cref="Stops"/>).</param>
    public ReconnectLoop(Backoff backoff, TimeProvider time, Func<CancellationToken, Task> connect, Action<TimeSpan, int> reconnecting, Action<SessionFailure> gaveUp)
    {
        _backoff = backoff;
        _time = time;
        _connect = connect;
        _reconnecting = reconnecting;
        _gaveUp = gaveUp;
    }

    /// <summary>
    /// True for a failure after which no attempt follows: the server's identity was refused (a changed key: the
    /// next attempt could reach the same man in the middle), it speaks another protocol version, or the passphrases
    /// differ (key confirmation failed, or one side has none), or the hub closed the link for a newer one of the same
    /// identity (Close 14: reconnecting would close that one in turn). Each needs a person to act first.
    /// </summary>
    public static bool Stops(FailureReason reason) => reason is
        FailureReason.IdentityChanged or FailureReason.IdentityRejected or FailureReason.UnsupportedVersion or
        FailureReason.PassphraseMismatch or FailureReason.KeyConfirmationFailed or FailureReason.Replaced;

    /// <summary>True while the loop waits or connects (a lost link is being replaced).</summary>
    public bool IsActive
    {
        get
        {
            lock (_gate)
            {
                return _active;
            }
        }
    }

    /// <summary>A link became secure (the first, or one the loop made).</summary>
    public void Secured()
    {
        lock (_gate)
        {
            _securedAt = _time.GetTimestamp();
        }
    }

    /// <summary>
    /// A secure link ended, not by this side's stop: the first pause begins (its <c>reconnecting</c> call is made
    /// before this returns, so it follows the link's own end in the caller's order of events).
    /// </summary>
    public void Lost()
    {
        lock (_gate)
        {
            if (_stop.IsCancellationRequested)
            {
                return;
            }

            if (_securedAt != 0 && _time.GetElapsedTime(_securedAt) >= SteadyAfter)
            {
                _attempt = 0;
            }

            _securedAt = 0;
            if (_active)
            {
                // The loop's new link was lost before the loop saw it secure: it goes on instead of ending.
                _lostAgain = true;
                return;
            }

            _active = true;
        }

        _running = RunAsync(_stop.Token);
    }

    /// <summary>Cuts the current pause short: the next attempt starts at once. Does nothing while no pause runs.</summary>
    public void Now()
    {
        lock (_gate)
        {
            _wait?.Cancel();
        }
    }

    /// <summary>Ends the loop (an attempt in progress is cancelled) and waits for it.</summary>
    public async Task StopAsync()
    {
        lock (_gate)
        {
            _stop.Cancel();
        }

        try
        {
            await _running.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped while it waited or connected.
        }
    }

    private async Task RunAsync(CancellationToken stop)
    {
        try
        {
            while (true)
            {
                stop.ThrowIfCancellationRequested(); // stopped before the loop got going: no pause is announced
                int attempt;
                TimeSpan delay;
                CancellationTokenSource wait = CancellationTokenSource.CreateLinkedTokenSource(stop);
                lock (_gate)
                {
                    attempt = ++_attempt;
                    delay = _backoff.Delay(attempt);
                    _wait = wait;
                }

                _reconnecting(delay, attempt);
                try
                {
                    await Task.Delay(delay, _time, wait.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!stop.IsCancellationRequested)
                {
                    // Now(): the pause is over early.
                }
                finally
                {
                    lock (_gate)
                    {
                        _wait = null;
                    }

                    wait.Dispose();
                }

                stop.ThrowIfCancellationRequested();
                try
                {
                    await _connect(stop).ConfigureAwait(false);
                }
                catch (ChatConnectionException e) when (Stops(e.Failure.Reason))
                {
                    lock (_gate)
                    {
                        _active = false;
                    }

                    _gaveUp(e.Failure);
                    return;
                }
                catch (ChatConnectionException)
                {
                    continue; // the failure was reported as the attempt's own; the next, longer pause follows
                }

                lock (_gate)
                {
                    if (!_lostAgain)
                    {
                        _active = false;
                        return;
                    }

                    _lostAgain = false;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            lock (_gate)
            {
                _active = false;
            }
        }
    }
}
