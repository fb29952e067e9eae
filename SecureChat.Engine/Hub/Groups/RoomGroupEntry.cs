namespace SecureChat.Engine.Hub.Groups;

/// <summary>
/// What entering a room means for its group (PROTOCOL.md 4.8): the room's <c>group_id</c>, whether the entrant founds
/// the group (RoomInfo flag <c>founder</c>), or that the group is full (Reply <c>too many rooms</c>). Immutable.
/// </summary>
internal sealed record RoomGroupEntry(byte[] GroupId, bool Founder, bool Full)
{
    public static RoomGroupEntry FullGroup { get; } = new([], false, true);
}
