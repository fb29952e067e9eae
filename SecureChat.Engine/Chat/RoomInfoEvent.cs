using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;

namespace SecureChat.Engine.Chat;

/// <summary>
/// Client side: the hub told about a room (RoomInfo): this side entered it (with the room's MLS group id), or one room
/// (or the end) of a list (no group id).
/// </summary>
internal sealed record RoomInfoEvent(RoomInfoKind Kind, string Room, byte Flags, uint Members, string Topic) : SessionEvent
{
    /// <summary>Entered: the room's 16-byte MLS group id; empty otherwise.</summary>
    public byte[] GroupId { get; init; } = [];

    public bool Equals(RoomInfoEvent? other) =>
        other is not null && (Kind, Room, Flags, Members, Topic) == (other.Kind, other.Room, other.Flags, other.Members, other.Topic)
        && GroupId.AsSpan().SequenceEqual(other.GroupId);

    public override int GetHashCode() => HashCode.Combine(Kind, Room, Flags, Members, Topic, GroupId.Length);
}
