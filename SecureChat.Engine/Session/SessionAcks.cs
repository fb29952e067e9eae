using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Session;

/// <summary>
/// Acknowledgements (PROTOCOL.md 4.7, "Ack"). Hub: once it has handled what one read brought, if that held a record the
/// client waits to see confirmed (<see cref="FrameTable.IsAcknowledged"/>), it owes one Ack with the number of the
/// client's records it has opened, sealed at once or held for a while to go out with other output (<see cref="Hold"/>). Client: its n-th chat or direct message is acknowledged once an Ack's count exceeds
/// that record's sequence number; the link's lag is the time from a heartbeat to the first Ack that covers it. An Ack
/// that counts records never sent, or fewer than an earlier one, is a protocol violation. Not thread-safe: used under
/// the session's serialization.
/// </summary>
internal sealed class SessionAcks(SecureSession session, RecordLayer records, TimeProvider time)
{
    /// <summary>The most sent messages waiting for an Ack that are followed; beyond, the oldest are never reported.</summary>
    internal const int PendingMax = 65_536;

    private readonly Queue<ulong> _pending = new();
    private int _acknowledged;
    private ulong _lastCount;
    private ulong? _probe;
    private long _probeSentAt;
    private bool _ackDue;
    private bool _ackNow;

    /// <summary>With <see cref="AfterHandled"/>: the count the Ack due is to carry (that of the last read handled).</summary>
    private ulong _dueCount;

    /// <summary>
    /// Hub: an Ack a read calls for is held (<see cref="Held"/>) until the driver seals it with other output or when its
    /// delay ends (<see cref="SealHeld"/>), except after a heartbeat, whose Ack measures the link's lag.
    /// </summary>
    public bool Hold { get; set; }

    /// <summary>
    /// Hub: the records a read brought are handled after it, by the session's driver (its events): the Ack they call for
    /// is raised as an <see cref="AckDueEvent"/> after them and becomes due only when the driver hands it back
    /// (<see cref="Handled"/>), so it follows every answer to them. Without it the Ack is due once the read is parsed.
    /// </summary>
    public bool AfterHandled { get; set; }

    /// <summary>Hub: an Ack is due and held (see <see cref="Hold"/>).</summary>
    public bool Held => _ackDue && session.IsSecure;

    /// <summary>Hub: the Acks sealed so far.</summary>
    public long Sent { get; private set; }

    /// <summary>Client: when the last heartbeat (a lag probe) was sealed; the next is due a heartbeat interval later.</summary>
    public long LastProbe { get; private set; }

    /// <summary>Client: the record about to be sealed is a chat or direct message, to be matched against Acks.</summary>
    public void MessageSealing()
    {
        if (_pending.Count == PendingMax)
        {
            _pending.Dequeue();
        }

        _pending.Enqueue(records.SentRecords);
    }

    /// <summary>Client: the record about to be sealed is a heartbeat; the oldest unanswered one is what the lag measures.</summary>
    public void ProbeSealing(long now)
    {
        if (_probe is null)
        {
            _probe = records.SentRecords;
            _probeSentAt = now;
        }

        LastProbe = now;
    }

    /// <summary>Hub: a record of <paramref name="type"/> from the client was opened and handled.</summary>
    public void Opened(FrameType type)
    {
        if (session.Role == SessionRole.Server && FrameTable.IsAcknowledged(type))
        {
            _ackDue = true;
            _ackNow |= type == FrameType.Heartbeat;
        }
    }

    /// <summary>Hub: the read is handled; seals the Ack it calls for, if any, unless it is to be held (<see cref="Hold"/>).</summary>
    public void AckIfDue()
    {
        if (AfterHandled)
        {
            if (_ackDue && session.IsSecure)
            {
                session.Raise(new AckDueEvent(records.ReceivedRecords, _ackNow));
            }

            _ackDue = _ackNow = false;
            return;
        }

        if (!Hold || _ackNow)
        {
            SealHeld();
        }
    }

    /// <summary>
    /// Hub, with <see cref="AfterHandled"/>: the records counted by <paramref name="due"/> are handled; the Ack is due now,
    /// sealed at once unless it is to be held (<see cref="Hold"/>).
    /// </summary>
    public void Handled(AckDueEvent due)
    {
        _ackDue = true;
        _dueCount = Math.Max(_dueCount, due.Received);
        _ackNow |= due.Now;
        if (!Hold || _ackNow)
        {
            SealHeld();
        }
    }

    /// <summary>Hub: seals the Ack that is due, if any (with the count of the client's records opened, or with <see cref="AfterHandled"/> handled, so far).</summary>
    public void SealHeld()
    {
        _ackNow = false;
        if (!_ackDue || !session.IsSecure)
        {
            return;
        }

        _ackDue = false;
        Span<byte> body = stackalloc byte[AckRecord.Size];
        new AckRecord(AfterHandled ? _dueCount : records.ReceivedRecords).Write(body);
        session.SealControl(FrameType.Ack, body);
        Sent++;
    }

    /// <summary>Client: the hub's Ack, saying it has opened <paramref name="count"/> of this side's records.</summary>
    public void OnAck(ulong count)
    {
        if (count > records.SentRecords || count < _lastCount)
        {
            session.Violation($"an acknowledgement of {count:N0} records ({records.SentRecords:N0} sent, {_lastCount:N0} acknowledged before)");
            return;
        }

        _lastCount = count;
        int before = _acknowledged;
        while (_pending.TryPeek(out ulong sequence) && sequence < count)
        {
            _pending.Dequeue();
            _acknowledged++;
        }

        if (_acknowledged != before)
        {
            session.Raise(new AcknowledgedEvent(_acknowledged) { Records = count });
        }

        if (_probe is { } probe && probe < count)
        {
            _probe = null;
            session.Raise(new LagEvent(time.GetElapsedTime(_probeSentAt, time.GetTimestamp())));
        }
    }
}
