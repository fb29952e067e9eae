using System.Buffers;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;

namespace SecureChat.Engine.Transport;

/// <summary>
/// The output side of one <see cref="Link"/>: what it holds for the peer (sealed records, presence notices held and
/// coalesced in a <see cref="PresenceBacklog"/>), the budget of what it may hold (<see cref="SendBudget"/>), what the
/// writer takes, and the routing of each batch to the socket (<see cref="Send"/>): inline, through the write loop, or
/// in its <see cref="WriteScheduler"/> turn on the hub.
/// </summary>
/// <remarks>
/// Thread-safe in the link's way: the methods named <c>...Locked</c> are called under the link's lock (the
/// <paramref name="gate"/> given here); the others take it themselves, and <see cref="Send"/> runs outside every lock.
/// </remarks>
internal sealed class LinkOutput(object gate, SecureSession session, ChatChannel chat, ChatOptions options, LinkEvents events, ServerOutputBudget? serverBudget, PresenceFlusher? presenceFlusher, AckFlusher? ackFlusher, WriteScheduler? writeScheduler)
{
    private readonly SendBudget _budget = new(options.SendBufferLimit, options.PeerOutput, serverBudget);
    private readonly PresenceBacklog _presence = new();
    private Connection? _connection;
    private volatile bool _flushWanted;
    private bool _abortPending;
    private bool _presenceScheduled;
    private bool _ackScheduled;
    private TaskCompletionSource? _written;

    /// <summary>The link's socket loops, once started.</summary>
    public Connection? Connection
    {
        get => _connection;
        set => _connection = value;
    }

    /// <summary>What the link holds for the peer besides the writer's batch: sealed output and held notices.</summary>
    public int PendingLocked => session.PendingOutputBytes + _presence.HeldBytes;

    /// <summary>Hub: ties the budget to the server-wide one (see <see cref="SendBudget.Attach"/>).</summary>
    public void AttachServerBudget(SourcePrefix? prefix, Func<TimeSpan> waited, Action drop) => _budget.Attach(prefix, waited, drop);

    /// <summary>Hub: the session sealed <paramref name="count"/> acknowledgements (counted in the server's metrics).</summary>
    public void AcksSent(long count) => serverBudget?.AcksSent(count);

    /// <summary>Under the lock: true when the unsent bytes leave room for the application's own message.</summary>
    public bool CanSendLocked => _budget.CanSend(PendingLocked);

    /// <summary>Under the lock: the bytes sealed (or held) for the peer and not yet written to its socket.</summary>
    public int UnsentLocked => _budget.Unsent(PendingLocked);

    /// <summary>Under the lock: completes when there is room for the application's own message again.</summary>
    public Task WaitForRoomLocked() => _budget.WaitForRoom();

    /// <summary>Under the lock: true when the peer is past its output budget and must be dropped as too slow.</summary>
    public bool MustDropLocked => _budget.MustDrop(PendingLocked);

    /// <summary>Under the lock, before any other application record: seals the held presence notices, in order.</summary>
    public void FlushPresenceLocked()
    {
        if (_presence.Count > 0)
        {
            _presence.Drain(n => chat.SendPresence(n.Kind, n.Room, n.Digest, n.Name, n.Flags, n.Text));
        }
    }

    /// <summary>Under the lock: holds a presence notice until the writer takes output (see <see cref="PresenceBacklog"/>).</summary>
    public void HoldPresenceLocked(PresenceBacklog.Notice notice) => _presence.Add(notice);

    /// <summary>Under the lock: the peer was dropped as too slow; nothing more can reach it, so its backlog and socket go now.</summary>
    public void DropLocked()
    {
        _presence.Clear();
        _abortPending = true;
    }

    /// <summary>Under the lock, before the session's events are taken: enforces the relay limit on whatever was just queued (any record type).</summary>
    public void CheckBudgetLocked()
    {
        if (session.IsSecure && _budget.OverRelayLimit(PendingLocked))
        {
            session.Fail(FailureReason.PeerTooSlow);
        }

        _budget.Report(PendingLocked);
    }

    /// <summary>
    /// Under the lock, once the session's events are taken: wants a flush when there is output (or the session ended);
    /// held notices alone wait for the hub's <see cref="PresenceFlusher"/>.
    /// </summary>
    public void WantFlushLocked(Link link)
    {
        if (session.HasOutput || session.IsEnded || (_presence.Count > 0 && presenceFlusher is null))
        {
            _flushWanted = true; // sent by Send, on this thread when the socket takes it at once
        }
        else if (_presence.Count > 0 && !_presenceScheduled)
        {
            // Only notices: they go out with the next batch (a busy writer takes them as it goes on).
            _presenceScheduled = true;
            presenceFlusher!.Schedule(link);
        }
    }

    /// <summary>
    /// Outside the lock: dispatches the queued events, sends the output sealed (see <see cref="Connection.Flush"/>;
    /// on the hub, output for one of many links waits its <see cref="WriteScheduler"/> turn), then aborts the socket
    /// of a peer dropped as too slow. <paramref name="route"/> says where from (see <see cref="OutputRoute"/>).
    /// </summary>
    public void Send(OutputRoute route)
    {
        if (route != OutputRoute.UnderHubLock)
        {
            events.Dispatch();
        }
        else if (events.HasQueued)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static events => events.Dispatch(), events, preferLocal: false);
        }

        if (_flushWanted && _connection is { } connection)
        {
            _flushWanted = false; // racy on purpose: a flush takes all output, and a writer looks again before it lets go
            if (writeScheduler is { } scheduler && route != OutputRoute.OwnLink)
            {
                scheduler.Schedule(connection); // one of many links served in a row (a relay, a notice to all)
            }
            else if (route == OutputRoute.UnderHubLock)
            {
                connection.WakeWriter(); // under the hub's lock: no socket calls here
            }
            else if (route == OutputRoute.Message)
            {
                connection.FlushMessage();
            }
            else
            {
                connection.Flush();
            }
        }

        if (_abortPending)
        {
            _abortPending = false;
            _connection?.Abort();
        }
    }

    /// <summary>
    /// Hub, under the lock, once a read is handled: an Ack it calls for and held (<see cref="SessionAcks.Hold"/>) goes
    /// out now if other output does, else with the next output or when the <see cref="AckFlusher"/>'s delay ends.
    /// </summary>
    public void HoldAckLocked(IHeldAck link)
    {
        if (!session.Acks.Held)
        {
            return;
        }

        if (session.HasOutput || ackFlusher is null)
        {
            SealHeldAckLocked();
        }
        else if (!_ackScheduled)
        {
            _ackScheduled = true;
            ackFlusher.Schedule(link);
        }
    }

    /// <summary>Under the lock, the <see cref="AckFlusher"/>'s turn: seals the Ack held since (if still held) and wants a flush.</summary>
    public void AckDueLocked()
    {
        _ackScheduled = false;
        if (session.Acks.Held)
        {
            SealHeldAckLocked();
            _flushWanted = true;
        }
    }

    /// <summary>Under the lock, the <see cref="PresenceFlusher"/>'s turn: wants a flush for the notices held since (if still held).</summary>
    public void PresenceDueLocked()
    {
        _presenceScheduled = false;
        if (_presence.Count > 0)
        {
            _flushWanted = true;
        }
    }

    // ---- For the write loop -----------------------------------------------------------------------------------

    /// <summary>Takes what the session wrote (the writer's next batch) in exchange for <paramref name="spare"/>; null when nothing.</summary>
    public ArrayBufferWriter<byte>? TakeOutput(ArrayBufferWriter<byte> spare, out bool ended)
    {
        lock (gate)
        {
            if (session.IsSecure)
            {
                FlushPresenceLocked();
            }

            SealHeldAckLocked(); // after the records it may acknowledge an answer to, and in the same write

            ended = session.IsEnded && !session.HasOutput;
            if (!session.HasOutput)
            {
                return null;
            }

            ArrayBufferWriter<byte> batch = session.ExchangeOutput(spare);
            _budget.Taken(batch.WrittenCount);
            return batch;
        }
    }

    /// <summary>
    /// Sealed output or held notices wait to be taken (as <see cref="OnWritten"/> counts them), or the session ended
    /// (the write loop then shuts the socket's sending side down).
    /// </summary>
    public bool HasOutputToWrite
    {
        get
        {
            lock (gate)
            {
                return session.HasOutput || (_presence.Count > 0 && session.IsSecure) || session.IsEnded;
            }
        }
    }

    /// <summary>The writer finished a batch: releases waiting senders; true when there is more to write.</summary>
    public bool OnWritten(out bool ended)
    {
        TaskCompletionSource? drained;
        TaskCompletionSource? written = null;
        bool more;
        lock (gate)
        {
            drained = _budget.Written(PendingLocked);
            more = session.HasOutput || (_presence.Count > 0 && session.IsSecure);
            ended = session.IsEnded && !more;
            if (!more)
            {
                written = _written;
                _written = null;
                session.TrimOutput(Connection.IdleBufferKeep);
                _presence.TrimExcess();
            }
        }

        drained?.TrySetResult();
        written?.TrySetResult();
        return more;
    }

    /// <summary>The writer stopped: nobody may wait for room any more.</summary>
    public void OnWriterStopped()
    {
        TaskCompletionSource? drained;
        TaskCompletionSource? written;
        lock (gate)
        {
            drained = _budget.ReleaseWaiters();
            written = _written;
            _written = null;
        }

        drained?.TrySetResult();
        written?.TrySetResult();
    }

    /// <summary>Completes once everything sealed so far has been written to the socket (or the writer stopped).</summary>
    public Task OutputWritten()
    {
        lock (gate)
        {
            if (_budget.Unsent(PendingLocked) == 0 || _connection is null)
            {
                return Task.CompletedTask;
            }

            return (_written ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }

    private void SealHeldAckLocked()
    {
        if (session.Acks.Held)
        {
            session.Acks.SealHeld();
            AcksSent(1);
        }
    }

    /// <summary>Under the lock, once both loops ended: the budget's bytes and the held notices are given back.</summary>
    public void ReleaseLocked()
    {
        _budget.Release();
        _presence.Clear();
    }
}
