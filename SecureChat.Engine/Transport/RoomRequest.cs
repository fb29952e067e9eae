namespace SecureChat.Engine.Transport;

/// <summary>
/// One request about a room: <see cref="Room"/> is a room name (<c>#name</c>; empty for <see cref="RoomOp.List"/>),
/// <see cref="Name"/> the person it is about (kick, ban, invite, ...), <see cref="Text"/> a reason, topic or mode
/// (<c>+i</c>, <c>-i</c>). Immutable.
/// </summary>
public sealed record RoomRequest(RoomOp Op, string Room, string Name = "", string Text = "");
