namespace SecureChat.Engine.Session;

/// <summary>
/// Client side: an Ack from the hub covers this many of the chat and direct messages sent on this link so far (each
/// record whose sequence number is below the Ack's count). Raised when the number grows.
/// </summary>
internal sealed record AcknowledgedEvent(int ChatMessages) : SessionEvent
{
    /// <summary>The Ack's count: the hub has handled every record of this side's below it.</summary>
    public ulong Records { get; init; }
}
