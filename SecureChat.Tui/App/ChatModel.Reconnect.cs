using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Tui.App;

/// <summary>
/// A client's way back and what arrived (the model's third part; see the type's main file): while the engine waits
/// to connect again the status counts down (<c>reconnecting in 4 s (attempt 2)</c>) and what the user types is
/// shown at once marked pending (<see cref="PendingLines"/>), then sent in order once the link is secure again;
/// <c>/reconnect</c> cuts the wait short. Each own message gets its mark when the hub acknowledges it
/// (<see cref="SentLines"/>), a link lost before that leaves it "not confirmed", and the status shows the link's
/// lag (<c>lag ?</c> once a probe has gone unanswered for <see cref="LagUnanswered"/>).
/// </summary>
internal sealed partial class ChatModel
{
    /// <summary>How long past its due time a lag probe may go unanswered before the status says <c>lag ?</c>.</summary>
    public static readonly TimeSpan LagUnanswered = TimeSpan.FromSeconds(5);

    /// <summary>How often the status is brought up to date while it counts down or shows a lag.</summary>
    public static readonly TimeSpan StatusTick = TimeSpan.FromSeconds(1);

    private readonly PendingLines _pending = new();
    private readonly SentLines _sent = new();
    private long _lastLineId;

    /// <summary>The attempt the engine waits for (1, 2, ...), or 0 while no lost link is being replaced.</summary>
    private int _attempt;

    /// <summary>When the attempt starts, on <see cref="Time"/>'s timestamps.</summary>
    private long _attemptAt;

    /// <summary>Pending lines are going out: lines typed meanwhile wait behind them.</summary>
    private bool _draining;

    /// <summary>The engine is done (stopped, or a reconnect ended for good): nothing waits for a link any more.</summary>
    private bool _done;

    private TimeSpan? _lag;
    private long _lagAt;
    private ITimer? _ticker;
    private ChatStatus? _ticked;

    /// <summary>The clock the countdown and the lag's age are read on (tests use a fake one).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// The engine reconnects (<see cref="ChatOptions.Reconnect"/>): once the link has been secure, a message typed
    /// while it is down waits for the next one, even before the engine has said it is reconnecting.
    /// </summary>
    public bool Reconnects { get; init; }

    /// <summary>How often the engine probes the link's lag (<see cref="ChatOptions.HeartbeatInterval"/>).</summary>
    public TimeSpan ProbeInterval { get; init; } = new ChatOptions().HeartbeatInterval;

    /// <summary>True while a lost link is being replaced (the engine waits or connects). Any thread.</summary>
    public bool IsReconnecting
    {
        get
        {
            lock (_gate)
            {
                return _attempt > 0;
            }
        }
    }

    /// <summary>A client's link has been secure at least once (so its end, or a refusal now, came on a reconnect). Any thread.</summary>
    public bool WasSecure
    {
        get
        {
            lock (_gate)
            {
                return _links.HadSecurePeer;
            }
        }
    }

    /// <summary>The text of each message typed while the link was away that has not gone out yet, in order. Any thread.</summary>
    public IReadOnlyList<string> Pending
    {
        get
        {
            lock (_gate)
            {
                return _pending.Texts;
            }
        }
    }

    /// <summary>
    /// At the end of the run: the report of the messages still pending (none were sent), and of those held for a
    /// changed identity, in this mode's words, or
    /// nothing. They are forgotten, so the report is made once, by whoever asks first. Any thread.
    /// </summary>
    public IReadOnlyList<ChatLine> TakePendingReport()
    {
        lock (_gate)
        {
            List<ChatLine> report = _pending.Count == 0 ? [] : [.. _words.PendingAtQuit(_pending.TakeAll())];
            report.AddRange(TakeHeldReport());
            return report;
        }
    }

    /// <summary><c>/reconnect</c>: the engine's pause before its next attempt is cut short.</summary>
    internal void ReconnectNow()
    {
        bool waiting = false;
        string? ended = null;
        Locked(() => (waiting, ended) = (_attempt > 0, _ended));
        if (waiting && _endpoint is ChatClient client)
        {
            Tell(_words.ReconnectingNow());
            client.ReconnectNow();
        }
        else
        {
            Tell(_words.NothingToReconnect(ended));
        }
    }

    /// <summary>
    /// A typed message while the link is away, or while pending ones still go out: shown at once marked pending and
    /// kept to be sent. True when it was kept (<see cref="SendAsync"/> is then done with it).
    /// </summary>
    private bool HoldPending(string text, string window)
    {
        bool down = !IsServer && !_endpoint.CanSend; // read before the lock: the engine is never called under it
        bool held = false;
        Locked(() =>
        {
            if (IsServer || (_attempt == 0 && !_draining && !(down && AwaitsLink)))
            {
                return;
            }

            ChatLine line = OwnLine(text) with { Pending = true, Window = window };
            _pending.Add(line, window);
            _view.Show(line);
            held = true;
        });
        return held;
    }

    /// <summary>A reconnecting client's link was secure and is being replaced, or will be (under the lock).</summary>
    private bool AwaitsLink => Reconnects && !_done && _links.HadSecurePeer;

    /// <summary>
    /// An own message the engine refused because the link went away while it waited to go out: with
    /// <see cref="Reconnects"/> it becomes pending (shown so) and goes out on the next link. True when it did.
    /// </summary>
    private bool Requeue(ChatLine? own)
    {
        bool requeued = false;
        bool drain = false;
        Locked(() =>
        {
            if (own is null || IsServer || !AwaitsLink)
            {
                return;
            }

            ChatLine again = own with { Pending = true };
            _pending.Add(again, own.Window.Length > 0 ? own.Window : ChatEndpoint.Lobby);
            _view.Update(again);
            requeued = true;
            drain = _attempt == 0 && !_draining; // the new link may already be secure
            _draining |= drain;
        });
        if (drain)
        {
            _ = Task.Run(SendPendingAsync);
        }

        return requeued;
    }

    /// <summary>An own message as shown, with the next number (under the lock).</summary>
    private ChatLine OwnLine(string text) => _words.Own(_ownName, text) with { Id = ++_lastLineId };

    /// <summary>The status the view shows now: the table's, with the countdown while reconnecting and the lag while secure (under the lock).</summary>
    private ChatStatus Status() => LinkStatus() with { Alert = ChangedAlert() };

    /// <summary>The status of the link alone (under the lock).</summary>
    private ChatStatus LinkStatus()
    {
        ChatStatus status = _links.Status(_ownName);
        if (IsServer)
        {
            return status;
        }

        if (_attempt > 0)
        {
            TimeSpan remaining = Time.GetElapsedTime(Time.GetTimestamp(), _attemptAt);
            return remaining > TimeSpan.Zero
                ? status with { Stage = ChatWords.ReconnectStage(remaining, _attempt), KeyHash = null, Ended = false, Trust = null, Identity = null }
                : status with { Ended = false };
        }

        if (status.KeyHash is not null && _lag is { } lag)
        {
            bool unanswered = Time.GetElapsedTime(_lagAt) > ProbeInterval + LagUnanswered;
            return status with { Lag = ChatWords.LagWord(unanswered ? null : lag) };
        }

        return status;
    }

    private void FollowReconnect()
    {
        _endpoint.Reconnecting += OnReconnecting;
        _endpoint.Acknowledged += OnAcknowledged;
        _endpoint.LagMeasured += OnLagMeasured;
        _endpoint.Established += OnSecureAgain;
        _endpoint.Failed += OnAttemptFailed;
    }

    private void UnfollowReconnect()
    {
        _endpoint.Reconnecting -= OnReconnecting;
        _endpoint.Acknowledged -= OnAcknowledged;
        _endpoint.LagMeasured -= OnLagMeasured;
        _endpoint.Established -= OnSecureAgain;
        _endpoint.Failed -= OnAttemptFailed;
        lock (_gate)
        {
            _ticker?.Dispose();
            _ticker = null;
        }
    }

    /// <summary>The engine gave up for good (or stopped): no countdown is left to show.</summary>
    private void OnCompleted() => Locked(() =>
    {
        _done = true;
        if (_attempt > 0)
        {
            _attempt = 0;
            _view.SetStatus(Status());
        }
    });

    private void OnReconnecting(TimeSpan delay, int attempt) => OnLink(() =>
    {
        _attempt = attempt;
        _attemptAt = Time.GetTimestamp() + (long)(delay.TotalSeconds * Time.TimestampFrequency);
        _ended = null; // not the end: what is typed now waits for the link
        _lag = null;

        // Lines held in the moment between the link's end and this event wait for the link too.
        foreach (string held in _unsent)
        {
            ChatLine line = OwnLine(held) with { Pending = true };
            _pending.Add(line, ChatEndpoint.Lobby);
            _view.Show(line);
        }

        _unsent.Clear();
        _view.Show(_words.Reconnecting(delay, attempt));
        _ticker ??= Time.CreateTimer(_ => Locked(Tick), null, StatusTick, StatusTick);
    });

    /// <summary>A reconnect attempt failed before it was secure: why, in one line (the first connection says it as the reason it could not connect).</summary>
    private void OnAttemptFailed(PeerInfo link, SessionFailure failure) => Locked(() =>
    {
        if (!IsServer && _attempt > 0 && link.Fingerprint is null)
        {
            _view.Show(ChatLine.Error(failure.Message));
        }
    });

    /// <summary>A client's link is secure (the first, or one after a loss): a new count of messages, and the pending ones go out.</summary>
    private void OnSecureAgain(PeerInfo link)
    {
        if (IsServer)
        {
            return;
        }

        bool drain = false;
        OnLink(() =>
        {
            _sent.Reset();
            _lag = null;
            if (_attempt > 0)
            {
                _attempt = 0;
                LostReason = null; // the connection is back: a quit now is no lost connection
            }

            drain = _pending.Count > 0 && !_draining;
            _draining |= drain;
        });
        if (drain)
        {
            _ = Task.Run(SendPendingAsync);
        }
    }

    /// <summary>Sends the pending messages in order, each marked sent as it goes; stops (they stay pending) if the link goes away again.</summary>
    private async Task SendPendingAsync()
    {
        int sent = 0;
        while (true)
        {
            bool canSend = _endpoint.CanSend;
            ulong heard = _endpoint.RecordsHeard;
            ChatLine? line = null;
            string room = ChatEndpoint.Lobby;
            Locked(() =>
            {
                if (!canSend || !_pending.TryTake(out ChatLine taken, out room))
                {
                    _draining = false;
                    return;
                }

                line = taken with { Pending = false };
                _unconfirmed.Sent(line.RawText, heard);
                _sent.Sent(line);
                _view.Update(line);
            });
            if (line is null)
            {
                break;
            }

            try
            {
                await (room.StartsWith('@')
                    ? _endpoint.SendDirectAsync(new Person(string.Empty, room[1..]), line.RawText)
                    : _endpoint.SendAsync(room, line.RawText)).ConfigureAwait(false);
                sent++;
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException)
            {
                // The link went away again: the message waits for the next one, first in line.
                ChatLine again = line with { Pending = true };
                Locked(() =>
                {
                    _unconfirmed.Withdraw(line.RawText);
                    _sent.Withdraw(line);
                    _pending.PutBack(again, room);
                    _view.Update(again);
                    _draining = false;
                });
                break;
            }
        }

        if (sent > 0)
        {
            Tell(_words.PendingSent(sent));
        }
    }

    private void OnAcknowledged(PeerInfo link, int count) => Locked(() =>
    {
        foreach (ChatLine line in _sent.Acknowledge(count))
        {
            _view.Update(line);
        }
    });

    private void OnLagMeasured(PeerInfo link, TimeSpan lag) => Locked(() =>
    {
        _lag = lag;
        _lagAt = Time.GetTimestamp();
        _ticker ??= Time.CreateTimer(_ => Locked(Tick), null, StatusTick, StatusTick);
        _view.SetStatus(Status());
    });

    /// <summary>Each second: the countdown and the lag's age move on; the view hears of it only when the status changed.</summary>
    private void Tick()
    {
        ChatStatus status = Status();
        if (status != _ticked)
        {
            _ticked = status;
            _view.SetStatus(status);
        }
    }

    /// <summary>
    /// A client's link was lost: the messages it may not have delivered. A hub that acknowledges says exactly which
    /// (those not acknowledged: "not confirmed"); otherwise those sent since the server was last heard from (under the lock).
    /// </summary>
    private IEnumerable<ChatLine> UnconfirmedAtLoss(ulong heard)
    {
        bool exact = _sent.HubAcknowledges;
        IReadOnlyList<string> unacknowledged = _sent.Reset();
        IReadOnlyList<string> since = _unconfirmed.TakeSince(heard);
        return exact
            ? unacknowledged.Count > 0 ? _words.NotConfirmed(unacknowledged) : []
            : since.Count > 0 ? _words.Unconfirmed(since) : [];
    }
}
