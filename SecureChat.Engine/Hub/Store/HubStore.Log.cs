using Microsoft.Data.Sqlite;

namespace SecureChat.Engine.Hub.Store;

/// <summary>
/// Each room's log: records appended in the order the hub relays them, numbered from 1 by the room's sequence (never
/// reused, trimming included), read back after a sequence number in order. The log keeps at most
/// <see cref="HubStoreOptions.RoomBytesMax"/> bytes of <c>mls</c> and nothing older than
/// <see cref="HubStoreOptions.RoomAgeMax"/>: past either, the oldest records go first, but never a commit that an
/// away reader of the room (<see cref="SetReader"/>) has not passed: its member needs every commit after its place to
/// reach the epochs of the records kept after it (RFC 9420: a member can process a commit only in the epoch it ends),
/// so a message lost to the bound costs it that message, a lost commit would cost it the group.
/// </summary>
internal sealed partial class HubStore
{
    /// <summary>Appends a record to a room's log, synced before it returns, then trims the log; returns its sequence number.</summary>
    public long Append(string room, StoredKind kind, ulong epoch, string sender, ReadOnlySpan<byte> mls)
    {
        var record = new LogAppend(room, kind, epoch, sender, mls.ToArray());
        return Write(transaction => AppendIn(transaction, record));
    }

    /// <summary>
    /// Appends records, in order, in one transaction synced once (all of them or none): what the hub relays for the
    /// records of one read, before it seals the Ack that covers them (PROTOCOL.md 4.7). Returns their sequence numbers.
    /// </summary>
    public IReadOnlyList<long> AppendAll(IReadOnlyList<LogAppend> records) =>
        Write(transaction => (IReadOnlyList<long>)[.. records.Select(record => AppendIn(transaction, record))]);

    private long AppendIn(SqliteTransaction transaction, LogAppend record)
    {
        string room = record.Room;
        long next = 1, held = 0;
        using (SqliteCommand find = Command("SELECT next_seq, bytes FROM rooms WHERE room = $room", transaction, ("$room", room)))
        using (SqliteDataReader row = find.ExecuteReader())
        {
            if (row.Read())
            {
                next = row.GetInt64(0);
                held = row.GetInt64(1);
            }
        }

        using (SqliteCommand insert = Command(
            "INSERT INTO room_log (room, seq, kind, epoch, sender, at, mls) VALUES ($room, $seq, $kind, $epoch, $sender, $at, $mls)",
            transaction, ("$room", room), ("$seq", next), ("$kind", (int)record.Kind), ("$epoch", (long)record.Epoch), ("$sender", record.Sender), ("$at", UnixMs()), ("$mls", record.Mls)))
        {
            insert.ExecuteNonQuery();
        }

        held = Trim(transaction, room, held + record.Mls.Length);
        using (SqliteCommand update = Command(
            "INSERT INTO rooms (room, next_seq, bytes) VALUES ($room, $next, $bytes) ON CONFLICT (room) DO UPDATE SET next_seq = $next, bytes = $bytes",
            transaction, ("$room", room), ("$next", next + 1), ("$bytes", held)))
        {
            update.ExecuteNonQuery();
        }

        return next;
    }

    /// <summary>A room's records after <paramref name="afterSeq"/>, in order, at most <paramref name="max"/> of them.</summary>
    public IReadOnlyList<LogRecord> ReadAfter(string room, long afterSeq, int max = int.MaxValue) => Read(() =>
    {
        List<LogRecord> records = [];
        using SqliteCommand select = Command(
            "SELECT seq, kind, epoch, sender, at, mls FROM room_log WHERE room = $room AND seq > $after ORDER BY seq LIMIT $max",
            null, ("$room", room), ("$after", afterSeq), ("$max", max));
        using SqliteDataReader row = select.ExecuteReader();
        while (row.Read())
        {
            records.Add(new LogRecord(
                row.GetInt64(0), (StoredKind)row.GetInt32(1), (ulong)row.GetInt64(2), row.GetString(3),
                DateTimeOffset.FromUnixTimeMilliseconds(row.GetInt64(4)), (byte[])row[5]));
        }

        return records;
    });

    /// <summary>The sequence number of a room's last record (0 when nothing was ever appended), trimmed or not.</summary>
    public long LastSeq(string room) => Read(() =>
    {
        using SqliteCommand select = Command("SELECT next_seq - 1 FROM rooms WHERE room = $room", null, ("$room", room));
        return select.ExecuteScalar() is long last ? last : 0;
    });

    /// <summary>The <c>mls</c> bytes a room's log keeps now.</summary>
    public long RoomBytes(string room) => Read(() =>
    {
        using SqliteCommand select = Command("SELECT bytes FROM rooms WHERE room = $room", null, ("$room", room));
        return select.ExecuteScalar() is long bytes ? bytes : 0;
    });

    /// <summary>
    /// Notes that <paramref name="identity"/>, away, has had a room's records through <paramref name="afterSeq"/>: the
    /// commits after that are kept for it, past the bounds, until it has read them or is removed from the room (<see cref="SetReader"/> again, <see cref="RemoveReader"/>).
    /// </summary>
    public void SetReader(string room, string identity, long afterSeq) => Write(transaction =>
    {
        using SqliteCommand upsert = Command(
            "INSERT INTO readers (room, identity, after_seq) VALUES ($room, $identity, $after) ON CONFLICT (room, identity) DO UPDATE SET after_seq = $after",
            transaction, ("$room", room), ("$identity", identity), ("$after", afterSeq));
        return upsert.ExecuteNonQuery();
    });

    public void RemoveReader(string room, string identity) => Write(transaction =>
    {
        using SqliteCommand delete = Command("DELETE FROM readers WHERE room = $room AND identity = $identity", transaction, ("$room", room), ("$identity", identity));
        return delete.ExecuteNonQuery();
    });

    /// <summary>Each away reader of the room and its place in the log.</summary>
    public IReadOnlyDictionary<string, long> Readers(string room) => Read(() =>
    {
        var readers = new Dictionary<string, long>(StringComparer.Ordinal);
        using SqliteCommand select = Command("SELECT identity, after_seq FROM readers WHERE room = $room", null, ("$room", room));
        using SqliteDataReader row = select.ExecuteReader();
        while (row.Read())
        {
            readers[row.GetString(0)] = row.GetInt64(1);
        }

        return readers;
    });

    /// <summary>Forgets a room's log and readers (the room is gone); its sequence starts again at 1 if it comes back.</summary>
    public void DropRoom(string room) => Write(transaction =>
    {
        using SqliteCommand delete = Command(
            "DELETE FROM room_log WHERE room = $room; DELETE FROM readers WHERE room = $room; DELETE FROM rooms WHERE room = $room; DELETE FROM room_members WHERE room = $room",
            transaction, ("$room", room));
        return delete.ExecuteNonQuery();
    });

    /// <summary>Under the write: removes the oldest records past the bounds, returns the bytes kept.</summary>
    private long Trim(SqliteTransaction transaction, string room, long bytes)
    {
        long cutoff = UnixMs() - (long)_options.RoomAgeMax.TotalMilliseconds;
        long? floor;
        using (SqliteCommand readers = Command("SELECT min(after_seq) FROM readers WHERE room = $room", transaction, ("$room", room)))
        {
            floor = readers.ExecuteScalar() is long least ? least : null;
        }

        List<long> doomed = [];
        using (SqliteCommand oldest = Command("SELECT seq, kind, at, length(mls) FROM room_log WHERE room = $room ORDER BY seq", transaction, ("$room", room)))
        using (SqliteDataReader row = oldest.ExecuteReader())
        {
            while (row.Read())
            {
                long seq = row.GetInt64(0);
                bool tooOld = row.GetInt64(2) < cutoff;
                if (bytes <= _options.RoomBytesMax && !tooOld)
                {
                    break;
                }

                bool neededCommit = (StoredKind)row.GetInt32(1) == StoredKind.Commit && floor is { } f && seq > f;
                if (!neededCommit)
                {
                    doomed.Add(seq);
                    bytes -= row.GetInt64(3);
                }
            }
        }

        using SqliteCommand delete = Command("DELETE FROM room_log WHERE room = $room AND seq = $seq", transaction, ("$room", room));
        SqliteParameter seqParameter = delete.Parameters.Add("$seq", SqliteType.Integer);
        foreach (long seq in doomed)
        {
            seqParameter.Value = seq;
            delete.ExecuteNonQuery();
        }

        return bytes;
    }
}
