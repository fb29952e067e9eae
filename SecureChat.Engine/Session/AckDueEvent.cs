namespace SecureChat.Engine.Session;

/// <summary>
/// Hub side, with <see cref="SessionAcks.AfterHandled"/>: the records one read brought call for an Ack counting
/// <paramref name="Received"/> of the client's records (<paramref name="Now"/>: never held, a heartbeat was among them).
/// Raised after that read's other events; its driver hands it back (<see cref="SessionAcks.Handled"/>) once it has
/// handled them, so every answer to those records goes out before the Ack that covers them (PROTOCOL.md 4.7).
/// </summary>
internal sealed record AckDueEvent(ulong Received, bool Now) : SessionEvent;
