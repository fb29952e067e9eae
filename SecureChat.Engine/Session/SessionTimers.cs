namespace SecureChat.Engine.Session;

/// <summary>
/// Every time-driven decision of a session in one place (wireguard-go's <c>timers.go</c>): rekey by the age or the
/// use of the current keys, the heartbeat after a quiet spell, and the idle limit. The session asks it on each
/// <see cref="SecureSession.OnTick"/> and after each record it seals. Pure: reads the settings and the record layer.
/// </summary>
internal sealed class SessionTimers(SessionSettings settings)
{
    /// <summary>True when the current sending keys have sealed too many records or are too old.</summary>
    public bool RekeyDue(RecordLayer records, long now) =>
        records.SentSinceKeys >= settings.RekeyAfterRecords ||
        settings.Time.GetElapsedTime(records.KeysSince, now) >= settings.RekeyAfterTime;

    /// <summary>True when this side has sent nothing for a heartbeat interval.</summary>
    public bool HeartbeatDue(RecordLayer records, long now) =>
        settings.Time.GetElapsedTime(records.LastSent, now) >= settings.HeartbeatInterval;

    /// <summary>True when the peer has sent nothing (not even a heartbeat) for the idle limit.</summary>
    public bool PeerIdle(RecordLayer records, long now) =>
        settings.Time.GetElapsedTime(records.LastReceived, now) >= settings.IdleTimeout;
}
