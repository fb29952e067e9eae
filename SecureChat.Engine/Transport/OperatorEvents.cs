namespace SecureChat.Engine.Transport;

/// <summary>Where the hub operator's <see cref="OperatorOutput"/> raises its events (the server's own). Immutable.</summary>
internal sealed record OperatorEvents(Action<ChatMessage> Message, Action<PresenceNotice> Presence, Action<RoomNotice> Room, Action<HubReply> Reply);
