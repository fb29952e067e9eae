namespace SecureChat.Engine.Session;

/// <summary>
/// Every time-driven decision of a session in one place (wireguard-go's <c>timers.go</c>): today, rekey by the age
/// or the use of the current keys; heartbeats and idle limits belong here too. The session asks it on each
/// <see cref="SecureSession.OnTick"/> and after each record it seals. Pure: reads the settings and the record layer.
/// </summary>
internal sealed class SessionTimers(SessionSettings settings)
{
    /// <summary>True when the current sending keys have sealed too many records or are too old.</summary>
    public bool RekeyDue(RecordLayer records, long now) =>
        records.SentSinceKeys >= settings.RekeyAfterRecords ||
        settings.Time.GetElapsedTime(records.KeysSince, now) >= settings.RekeyAfterTime;
}
