namespace SecureChat.Engine.Session;

/// <summary>
/// Client side: an Ack from the hub covers this many of the chat and direct messages sent on this link so far (each
/// record whose sequence number is below the Ack's count). Raised when the number grows.
/// </summary>
internal sealed record AcknowledgedEvent(int ChatMessages) : SessionEvent;
