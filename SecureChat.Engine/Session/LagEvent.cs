namespace SecureChat.Engine.Session;

/// <summary>Client side: the time from sending a heartbeat to the first Ack from the hub that covers it (the link's lag).</summary>
internal sealed record LagEvent(TimeSpan RoundTrip) : SessionEvent;
