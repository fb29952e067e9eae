using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;

namespace SecureChat.Engine.Chat;

/// <summary>Client side: the hub told about a room (RoomInfo): this side entered it, or one room (or the end) of a list.</summary>
internal sealed record RoomInfoEvent(RoomInfoKind Kind, string Room, byte Flags, uint Members, string Topic) : SessionEvent
{
    /// <summary>The room's MLS group (Entered only; PROTOCOL.md 4.8).</summary>
    public byte[]? GroupId { get; init; }
}
