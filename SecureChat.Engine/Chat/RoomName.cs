using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Chat;

/// <summary>
/// What a room name may be, and when two are the same room (PROTOCOL.md 4.3): <c>#</c> followed by a valid name
/// (<see cref="NameRules"/>) without a space, at most <see cref="WireFormat.RoomMax"/> bytes of UTF-8 in all. Two rooms
/// are the same when the <see cref="NameRules.Key"/>s of their names after the <c>#</c> are equal. Pure and thread-safe.
/// </summary>
public static class RoomName
{
    /// <summary>True when <paramref name="room"/> is a valid room name as it stands.</summary>
    public static bool IsValid(string room) =>
        room.Length >= 2 && room[0] == '#' && !room.Contains(' ', StringComparison.Ordinal)
        && RecordPayload.TryGetUtf8Length(room, out int length) && length <= WireFormat.RoomMax
        && NameRules.IsValid(room[1..]);

    /// <summary>The key rooms are compared by: <c>#</c> and the lookalike key of the name after it.</summary>
    public static string Key(string room) => room.StartsWith('#') ? "#" + NameRules.Key(room[1..]) : NameRules.Key(room);

    /// <summary>True when the two names are the same room.</summary>
    public static bool AreSame(string first, string second) => string.Equals(Key(first), Key(second), StringComparison.Ordinal);
}
