using Microsoft.Data.Sqlite;

namespace SecureChat.Engine.Hub.Store;

/// <summary>
/// What the delivery service needs to go on after a restart: each group's roster and epoch (<see cref="StoredGroup"/>)
/// and each room's members by identity. Key packages are not kept: a client sends them again on every link
/// (PROTOCOL.md 4.8).
/// </summary>
internal sealed partial class HubStore
{
    /// <summary>Writes a group's state, replacing what was kept of it.</summary>
    public void SaveGroup(StoredGroup group) => Write(transaction =>
    {
        using SqliteCommand upsert = Command(
            "INSERT INTO groups (key, group_id, epoch, leaves, seniority) VALUES ($key, $id, $epoch, $leaves, $seniority) " +
            "ON CONFLICT (key) DO UPDATE SET group_id = $id, epoch = $epoch, leaves = $leaves, seniority = $seniority",
            transaction, ("$key", group.Key), ("$id", group.GroupId), ("$epoch", (long)group.Epoch),
            ("$leaves", string.Join(',', group.Leaves.Select(leaf => leaf ?? string.Empty))), ("$seniority", string.Join(',', group.Seniority)));
        return upsert.ExecuteNonQuery();
    });

    public void DropGroup(string key) => Write(transaction =>
    {
        using SqliteCommand delete = Command("DELETE FROM groups WHERE key = $key", transaction, ("$key", key));
        return delete.ExecuteNonQuery();
    });

    /// <summary>Every group kept, by key order.</summary>
    public IReadOnlyList<StoredGroup> LoadGroups() => Read(() =>
    {
        List<StoredGroup> groups = [];
        using SqliteCommand select = Command("SELECT key, group_id, epoch, leaves, seniority FROM groups ORDER BY key");
        using SqliteDataReader row = select.ExecuteReader();
        while (row.Read())
        {
            string leaves = row.GetString(3), seniority = row.GetString(4);
            groups.Add(new StoredGroup(
                row.GetString(0), (byte[])row[1], (ulong)row.GetInt64(2),
                [.. leaves.Split(',').Select(leaf => leaf.Length == 0 ? null : leaf)],
                seniority.Length == 0 ? [] : seniority.Split(',')));
        }

        return groups;
    });

    /// <summary>Notes that an identity is a member of a room (nothing changes if it already is).</summary>
    public void AddRoomMember(string room, string identity) => Write(transaction =>
    {
        using SqliteCommand insert = Command(
            "INSERT INTO room_members (room, identity, since) VALUES ($room, $identity, $since) ON CONFLICT DO NOTHING",
            transaction, ("$room", room), ("$identity", identity), ("$since", UnixMs()));
        return insert.ExecuteNonQuery();
    });

    /// <summary>Forgets an identity's membership of a room, and its place in the room's log.</summary>
    public void RemoveRoomMember(string room, string identity) => Write(transaction =>
    {
        using SqliteCommand delete = Command(
            "DELETE FROM room_members WHERE room = $room AND identity = $identity; DELETE FROM readers WHERE room = $room AND identity = $identity",
            transaction, ("$room", room), ("$identity", identity));
        return delete.ExecuteNonQuery();
    });

    /// <summary>Each room's members, the earliest first.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> RoomMembers() => Read(() =>
    {
        var rooms = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        using SqliteCommand select = Command("SELECT room, identity FROM room_members ORDER BY room, since, identity");
        using SqliteDataReader row = select.ExecuteReader();
        while (row.Read())
        {
            string room = row.GetString(0);
            if (!rooms.TryGetValue(room, out List<string>? members))
            {
                rooms[room] = members = [];
            }

            members.Add(row.GetString(1));
        }

        return rooms.ToDictionary(pair => pair.Key, pair => (IReadOnlyList<string>)pair.Value, StringComparer.Ordinal);
    });
}
