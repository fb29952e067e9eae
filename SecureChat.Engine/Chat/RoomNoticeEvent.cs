using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Chat;

/// <summary>
/// Client side: something happened in a room (RoomEvent): <see cref="Actor"/> did it to <see cref="Target"/> (digests,
/// all zero for nobody, with their names), with a topic, mode or reason in <see cref="Text"/>.
/// </summary>
internal sealed record RoomNoticeEvent(RoomNoticeKind Kind, string Room, byte[] Actor, string ActorName, byte[] Target, string TargetName, string Text) : SessionEvent;
