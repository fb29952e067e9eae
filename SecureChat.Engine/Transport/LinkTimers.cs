using SecureChat.Engine.Session;

namespace SecureChat.Engine.Transport;

/// <summary>
/// Every time-driven behaviour of one link, on <see cref="ChatOptions.Time"/>, in the manner of wireguard-go's
/// <c>device/timers.go</c>: the link says what happened (<see cref="Started"/>, <see cref="StepBegan"/>,
/// <see cref="Established"/>, <see cref="Stop"/>) and each behaviour is one named hook that runs when its deadline
/// comes, on the timer's thread:
/// <list type="bullet">
/// <item><see cref="OnHandshakeDeadline"/>: the whole handshake took longer than <see cref="ChatOptions.HandshakeTimeout"/>.</item>
/// <item><see cref="OnStepDeadline"/>: hub, once admitted (<see cref="WatchSteps"/>): the peer owed the next handshake
/// message for <see cref="ChatOptions.HandshakeStepTimeout"/> and has not sent it whole.</item>
/// <item><see cref="OnKeepaliveDue"/>: once secure, the first of the write timeout (<see cref="ChatOptions.WriteTimeout"/>),
/// the idle limit, the heartbeat and the rekey by age (decided by the session's <see cref="SessionTimers"/>).</item>
/// </list>
/// The presence delay is the hub's (<see cref="PresenceFlusher"/>: one timer for every link's held notices).
/// </summary>
/// <remarks>
/// Each timer is armed for the moment its deadline falls due, not polled, and a hook checks the clock again before it
/// acts: activity may have moved the deadline later meanwhile (a record sent, a step begun), and the hook then arms
/// its timer for the rest. Activity never moves a deadline earlier, so a timer is never late. The keepalive timer
/// looks at least every <see cref="ChatOptions.TickInterval"/> (a write stalled after it was armed is seen then at
/// the latest). Thread-safe.
/// </remarks>
internal sealed class LinkTimers
{
    /// <summary>How soon a deadline that was due but could not act yet looks again (the peer's bytes wait unread, a key derivation runs).</summary>
    internal static readonly TimeSpan Recheck = TimeSpan.FromMilliseconds(500);

    private readonly Link _link;
    private readonly ChatOptions _options;
    private readonly TimeProvider _time;
    private readonly object _sync = new();
    private ITimer? _handshake;
    private ITimer? _step;
    private ITimer? _keepalive;
    private long _stepStarted;
    private long _handshakeStarted;
    private bool _stopped;
    private Action<Link>? _stepExpired;

    public LinkTimers(Link link, ChatOptions options)
    {
        _link = link;
        _options = options;
        _time = options.Time;
        _stepStarted = _time.GetTimestamp(); // the hub admits a link before it starts it: the step deadline counts from here, not from the clock's zero
    }

    /// <summary>
    /// When the handshake's current step began (the link was made or started, its stage changed, or this side's key
    /// derivation ended): a <see cref="TimeProvider"/> timestamp. Bytes trickled within a step do not move it, so a
    /// peer that sends a byte now and then but never a whole message still stalls.
    /// </summary>
    public long StepStarted => Volatile.Read(ref _stepStarted);

    // ---- What happened to the link ----------------------------------------------------------------------------

    /// <summary>The link started: the handshake deadline runs from now, and so does the current step.</summary>
    public void Started()
    {
        lock (_sync)
        {
            if (_stopped)
            {
                return;
            }

            _handshakeStarted = _time.GetTimestamp();
            Volatile.Write(ref _stepStarted, _handshakeStarted);
            _handshake = _time.CreateTimer(static t => ((LinkTimers)t!).OnHandshakeDeadline(), this, _options.HandshakeTimeout, Timeout.InfiniteTimeSpan);
            _step?.Change(_options.HandshakeStepTimeout, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Hub: the link was admitted as handshaking; each step of its handshake has a deadline from now on.</summary>
    /// <param name="expired">Told first when a step deadline ends the link (the admission frees its place at once).</param>
    public void WatchSteps(Action<Link> expired)
    {
        lock (_sync)
        {
            if (_stopped || _step is not null)
            {
                return;
            }

            _stepExpired = expired;
            TimeSpan left = _options.HandshakeStepTimeout - _time.GetElapsedTime(StepStarted);
            _step = _time.CreateTimer(static t => ((LinkTimers)t!).OnStepDeadline(), this, Positive(left), Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>A handshake step began (the stage changed, or this side's key derivation ended).</summary>
    public void StepBegan()
    {
        Volatile.Write(ref _stepStarted, _time.GetTimestamp());
        lock (_sync)
        {
            _step?.Change(_options.HandshakeStepTimeout, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>
    /// The session is secure: the handshake's deadlines end and the keepalive timer begins, first due in
    /// <paramref name="firstDue"/> (the session's <see cref="SecureSession.TimersDueIn"/>).
    /// </summary>
    public void Established(TimeSpan? firstDue)
    {
        lock (_sync)
        {
            DisposeHandshakeTimers();
            if (!_stopped && _keepalive is null)
            {
                _keepalive = _time.CreateTimer(static t => ((LinkTimers)t!).OnKeepaliveDue(), this, NextKeepalive(firstDue), Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>The link is gone: every timer stops.</summary>
    public void Stop()
    {
        lock (_sync)
        {
            _stopped = true;
            DisposeHandshakeTimers();
            _keepalive?.Dispose();
            _keepalive = null;
        }
    }

    // ---- Hooks: one per behaviour -------------------------------------------------------------------------------

    /// <summary>The whole handshake has lasted <see cref="ChatOptions.HandshakeTimeout"/>: the link fails (the peer is told).</summary>
    private void OnHandshakeDeadline()
    {
        TimeSpan left = _options.HandshakeTimeout - _time.GetElapsedTime(Volatile.Read(ref _handshakeStarted));
        if (left > TimeSpan.Zero)
        {
            Rearm(ref _handshake, left); // a clock that moved less than its timer (a test's manual clock)
            return;
        }

        _link.Fail(FailureReason.HandshakeTimeout, $"{_options.HandshakeTimeout.TotalSeconds:0.#} s");
    }

    /// <summary>
    /// The current step has lasted <see cref="ChatOptions.HandshakeStepTimeout"/>. A link that owes the peer's next
    /// message fails; one whose bytes wait unread has sent something (this side is behind, not the peer) and one
    /// deriving keys owes nothing: both are looked at again (the whole-handshake deadline still bounds them).
    /// </summary>
    private void OnStepDeadline()
    {
        TimeSpan left = _options.HandshakeStepTimeout - _time.GetElapsedTime(StepStarted);
        if (left > TimeSpan.Zero)
        {
            Rearm(ref _step, left); // the step began again after the timer was armed
        }
        else if (_link.AwaitingPeer && !_link.PeerBytesWaiting)
        {
            Volatile.Read(ref _stepExpired)?.Invoke(_link);
            _link.Fail(FailureReason.HandshakeTimeout, $"no answer for {_options.HandshakeStepTimeout.TotalSeconds:0.#} s");
        }
        else if (!_link.IsEnded)
        {
            Rearm(ref _step, Recheck);
        }
    }

    /// <summary>
    /// Secure: the write timeout, the idle limit, the heartbeat or the rekey by age may be due. The link acts on what
    /// is (<see cref="Link.OnKeepaliveDue"/>) and says when the next falls due; the timer is armed for then.
    /// </summary>
    private void OnKeepaliveDue()
    {
        TimeSpan? next = _link.OnKeepaliveDue(_time.GetTimestamp());
        if (next is { } due)
        {
            Rearm(ref _keepalive, NextKeepalive(due));
        }
    }

    // ---- Inside -----------------------------------------------------------------------------------------------

    /// <summary>When the keepalive timer looks next: when the first deadline falls due, at least every tick interval, and not in a tight loop when one stays due.</summary>
    private TimeSpan NextKeepalive(TimeSpan? due)
    {
        if (due is not { } d)
        {
            return Timeout.InfiniteTimeSpan;
        }

        TimeSpan floor = _options.TickInterval < Recheck ? _options.TickInterval : Recheck;
        return d <= TimeSpan.Zero ? floor : d < _options.TickInterval ? d : _options.TickInterval;
    }

    private void Rearm(ref ITimer? timer, TimeSpan dueIn)
    {
        lock (_sync)
        {
            if (!_stopped)
            {
                timer?.Change(Positive(dueIn), Timeout.InfiniteTimeSpan);
            }
        }
    }

    private void DisposeHandshakeTimers()
    {
        _handshake?.Dispose();
        _handshake = null;
        _step?.Dispose();
        _step = null;
    }

    /// <summary>A timer's due time: at least one tick (zero would fire at once on some clocks, and a negative one is refused).</summary>
    private static TimeSpan Positive(TimeSpan t) => t > TimeSpan.Zero ? t : TimeSpan.FromTicks(1);
}
