using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Chat;

/// <summary>
/// Hub side: a client asked for a room operation. <see cref="Room"/> is as the client wrote it (well-formed, not yet
/// checked as a room name: the hub answers a bad one with Reply BadRoomName).
/// </summary>
internal sealed record RoomRequestEvent(RoomOp Op, string Room, string Name, string Text) : SessionEvent;
