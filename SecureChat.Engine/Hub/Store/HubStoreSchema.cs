using Microsoft.Data.Sqlite;

namespace SecureChat.Engine.Hub.Store;

/// <summary>
/// The tables of the hub's store and the steps that bring an older file up to date. A file says it is the hub's store
/// by SQLite's <c>application_id</c> (<see cref="ApplicationId"/>) and which schema it has by <c>user_version</c>;
/// step <c>i</c> of <see cref="Steps"/> takes version <c>i</c> to <c>i + 1</c>, in the transaction that sets the new
/// version, so a file is at one version or the next, never between. Stateless.
/// </summary>
internal static class HubStoreSchema
{
    /// <summary>"SChb": written once into a new file; any other non-zero value is another program's database.</summary>
    public const int ApplicationId = 0x53436862;

    public static int CurrentVersion => Steps.Length;

    /// <summary>
    /// room_log: each room's records by the room's sequence number. rooms: the next sequence number and the bytes kept
    /// (so a sequence number is never reused after trimming). readers: where each away member of a room is in its log.
    /// held: records for absent identities, in the order held. groups, room_members: the delivery service's state.
    /// </summary>
    private static readonly string[] Steps =
    [
        """
        CREATE TABLE rooms (room TEXT PRIMARY KEY, next_seq INTEGER NOT NULL, bytes INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE room_log (
            room TEXT NOT NULL, seq INTEGER NOT NULL, kind INTEGER NOT NULL, epoch INTEGER NOT NULL,
            sender TEXT NOT NULL, at INTEGER NOT NULL, mls BLOB NOT NULL,
            PRIMARY KEY (room, seq)) WITHOUT ROWID;
        CREATE TABLE readers (room TEXT NOT NULL, identity TEXT NOT NULL, after_seq INTEGER NOT NULL, PRIMARY KEY (room, identity)) WITHOUT ROWID;
        CREATE TABLE held (
            id INTEGER PRIMARY KEY AUTOINCREMENT, recipient TEXT NOT NULL, kind INTEGER NOT NULL, target BLOB NOT NULL,
            sender TEXT NOT NULL, at INTEGER NOT NULL, mls BLOB NOT NULL);
        CREATE INDEX held_by_recipient ON held (recipient, id);
        CREATE TABLE groups (key TEXT PRIMARY KEY, group_id BLOB NOT NULL, epoch INTEGER NOT NULL, leaves TEXT NOT NULL, seniority TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE room_members (room TEXT NOT NULL, identity TEXT NOT NULL, since INTEGER NOT NULL, PRIMARY KEY (room, identity)) WITHOUT ROWID;
        """,
    ];

    /// <summary>Brings the file from <paramref name="version"/> to <see cref="CurrentVersion"/>, one step per transaction.</summary>
    public static void Upgrade(SqliteConnection connection, int version)
    {
        if (version == 0)
        {
            Execute(connection, null, $"PRAGMA application_id = {ApplicationId};");
        }

        for (int step = version; step < Steps.Length; step++)
        {
            using SqliteTransaction transaction = connection.BeginTransaction();
            Execute(connection, transaction, Steps[step]);
            Execute(connection, transaction, $"PRAGMA user_version = {step + 1};");
            transaction.Commit();
        }
    }

    public static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public static long Scalar(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
