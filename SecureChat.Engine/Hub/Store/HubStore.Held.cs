using Microsoft.Data.Sqlite;

namespace SecureChat.Engine.Hub.Store;

/// <summary>
/// Records held for identities that have no link: a direct conversation's records, a room's Welcome. Bounded per
/// recipient by <see cref="HubStoreOptions.HeldBytesMax"/> (their <c>mls</c> bytes), <see cref="HubStoreOptions.HeldCountMax"/>
/// and <see cref="HubStoreOptions.HeldAgeMax"/>; a record past a bound is refused, not one held earlier dropped, so
/// what a sender was told was held is delivered.
/// </summary>
internal sealed partial class HubStore
{
    /// <summary>Holds a record for <paramref name="recipient"/>, synced before it returns, or refuses it past the bounds.</summary>
    public HoldOutcome Hold(string recipient, StoredKind kind, ReadOnlySpan<byte> target, string sender, ReadOnlySpan<byte> mls)
    {
        byte[] targetBytes = target.ToArray(), mlsBytes = mls.ToArray();
        return Write(transaction =>
        {
            long cutoff = UnixMs() - (long)_options.HeldAgeMax.TotalMilliseconds;
            using (SqliteCommand expire = Command("DELETE FROM held WHERE recipient = $recipient AND at < $cutoff", transaction, ("$recipient", recipient), ("$cutoff", cutoff)))
            {
                expire.ExecuteNonQuery();
            }

            long count, bytes;
            using (SqliteCommand sum = Command("SELECT count(*), coalesce(sum(length(mls)), 0) FROM held WHERE recipient = $recipient", transaction, ("$recipient", recipient)))
            using (SqliteDataReader row = sum.ExecuteReader())
            {
                row.Read();
                count = row.GetInt64(0);
                bytes = row.GetInt64(1);
            }

            if (count + 1 > _options.HeldCountMax || bytes + mlsBytes.Length > _options.HeldBytesMax)
            {
                return HoldOutcome.Full;
            }

            using SqliteCommand insert = Command(
                "INSERT INTO held (recipient, kind, target, sender, at, mls) VALUES ($recipient, $kind, $target, $sender, $at, $mls)",
                transaction, ("$recipient", recipient), ("$kind", (int)kind), ("$target", targetBytes), ("$sender", sender), ("$at", UnixMs()), ("$mls", mlsBytes));
            insert.ExecuteNonQuery();
            return HoldOutcome.Held;
        });
    }

    /// <summary>What is held for <paramref name="recipient"/>, in the order it was held (expired records left out).</summary>
    public IReadOnlyList<HeldRecord> HeldFor(string recipient) => Read(() =>
    {
        long cutoff = UnixMs() - (long)_options.HeldAgeMax.TotalMilliseconds;
        List<HeldRecord> records = [];
        using SqliteCommand select = Command(
            "SELECT id, kind, target, sender, at, mls FROM held WHERE recipient = $recipient AND at >= $cutoff ORDER BY id",
            null, ("$recipient", recipient), ("$cutoff", cutoff));
        using SqliteDataReader row = select.ExecuteReader();
        while (row.Read())
        {
            records.Add(new HeldRecord(
                row.GetInt64(0), (StoredKind)row.GetInt32(1), (byte[])row[2], row.GetString(3),
                DateTimeOffset.FromUnixTimeMilliseconds(row.GetInt64(4)), (byte[])row[5]));
        }

        return records;
    });

    /// <summary>Forgets <paramref name="recipient"/>'s held records through <paramref name="throughId"/>: they were sent to it.</summary>
    public void Delivered(string recipient, long throughId) => Write(transaction =>
    {
        using SqliteCommand delete = Command("DELETE FROM held WHERE recipient = $recipient AND id <= $id", transaction, ("$recipient", recipient), ("$id", throughId));
        return delete.ExecuteNonQuery();
    });

    /// <summary>The identities something is held for (after a restart, those whose records wait).</summary>
    public IReadOnlyList<string> HeldRecipients() => Read(() =>
    {
        List<string> recipients = [];
        using SqliteCommand select = Command("SELECT DISTINCT recipient FROM held ORDER BY recipient");
        using SqliteDataReader row = select.ExecuteReader();
        while (row.Read())
        {
            recipients.Add(row.GetString(0));
        }

        return recipients;
    });
}
