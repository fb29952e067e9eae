using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Session;

/// <summary>
/// Every time-driven behaviour of a session in one place (wireguard-go's <c>timers.go</c>): rekey by the age or the
/// use of the current keys, the heartbeat after a quiet spell, and the idle limit. The session hands it each
/// <see cref="SecureSession.OnTick"/> and asks it after each record it seals. Reads the settings and the record layer;
/// acts through the session. Not thread-safe: used under the session's serialization.
/// </summary>
internal sealed class SessionTimers(SessionSettings settings)
{
    /// <summary>
    /// The clock: drops a peer silent for longer than the idle limit, sends a sealed heartbeat after a quiet spell,
    /// and starts a rekey when the keys are old or used enough.
    /// </summary>
    /// <param name="peerBytesWaiting">
    /// The transport holds bytes from the peer it has not read yet: the peer is not idle, whatever the last record
    /// opened says.
    /// </param>
    public void OnTick(SecureSession session, long now, bool peerBytesWaiting)
    {
        if (!session.IsSecure)
        {
            return;
        }

        if (!peerBytesWaiting && PeerIdle(session.Records, now))
        {
            session.FailWith(SessionFailure.Create(FailureReason.IdleTimeout), AlertCode.IdleTimeout);
            return;
        }

        if (HeartbeatDue(session, now))
        {
            session.SealHeartbeat();
        }

        RekeyIfDue(session, now);
    }

    /// <summary>
    /// Starts a rekey when the keys are old or used enough. Checked after every application record too, where
    /// nothing else may happen: an application record never ends the session it was sealed in.
    /// </summary>
    public void RekeyIfDue(SecureSession session, long now)
    {
        if (session.Stage == SessionStage.Secure && session.Rekey is { InProgress: false } rekey && RekeyDue(session.Records, now))
        {
            rekey.Request();
        }
    }

    /// <summary>True when the current sending keys have sealed too many records or are too old.</summary>
    public bool RekeyDue(RecordLayer records, long now) =>
        records.SentSinceKeys >= settings.RekeyAfterRecords ||
        settings.Time.GetElapsedTime(records.KeysSince, now) >= settings.RekeyAfterTime;

    /// <summary>
    /// True when a heartbeat is due: on a hub, when it has sent nothing for a heartbeat interval; on a client, a
    /// heartbeat interval after its last one whatever else it sent, since each is a lag probe the hub answers.
    /// </summary>
    public bool HeartbeatDue(SecureSession session, long now) =>
        settings.Time.GetElapsedTime(HeartbeatSince(session), now) >= settings.HeartbeatInterval;

    /// <summary>What the heartbeat interval counts from: the last record sent (hub) or the last probe (client).</summary>
    private long HeartbeatSince(SecureSession session) =>
        settings.Role == SessionRole.Client ? session.Acks.LastProbe : session.Records.LastSent;

    /// <summary>True when the peer has sent nothing (not even a heartbeat) for the idle limit.</summary>
    public bool PeerIdle(RecordLayer records, long now) =>
        settings.Time.GetElapsedTime(records.LastReceived, now) >= settings.IdleTimeout;

    /// <summary>
    /// How long after <paramref name="now"/> the first of these falls due (zero when one is due now), so the caller
    /// can ask again exactly then instead of polling. Records sealed or opened meanwhile only move them later.
    /// </summary>
    /// <param name="rekeyByAge">False while a rekey is under way or cannot start: the age of the keys is not counted.</param>
    public TimeSpan NextDue(SecureSession session, long now, bool rekeyByAge)
    {
        RecordLayer records = session.Records;
        TimeSpan next = Min(
            settings.HeartbeatInterval - settings.Time.GetElapsedTime(HeartbeatSince(session), now),
            settings.IdleTimeout - settings.Time.GetElapsedTime(records.LastReceived, now));
        if (rekeyByAge)
        {
            next = Min(next, settings.RekeyAfterTime - settings.Time.GetElapsedTime(records.KeysSince, now));
        }

        return next > TimeSpan.Zero ? next : TimeSpan.Zero;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
