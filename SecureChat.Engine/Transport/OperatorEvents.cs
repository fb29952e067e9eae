namespace SecureChat.Engine.Transport;

/// <summary>Where the hub operator's <see cref="OperatorOutput"/> raises its events (the server's own). Immutable.</summary>
internal sealed record OperatorEvents(Action<ChatMessage> Message, Action<PresenceNotice> Presence, Action<RoomNotice> Room, Action<HubReply> Reply)
{
    /// <summary>The operator's MLS groups (null: the operator takes no part in groups, and their records are dropped).</summary>
    public IOperatorGroups? Groups { get; init; }
}
