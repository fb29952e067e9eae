using Microsoft.Data.Sqlite;

namespace SecureChat.Engine.History;

/// <summary>
/// The history database's schema and its migrations. The version is SQLite's <c>user_version</c> (0: an empty
/// file), the owner its <c>application_id</c> (<see cref="ApplicationId"/>, "SCH1"): a database with another id is
/// another program's. Migration <c>n</c> takes version <c>n</c> to <c>n + 1</c>, each in the caller's transaction
/// with the version it writes, so a migration interrupted halfway leaves the previous version whole. A version above
/// <see cref="CurrentVersion"/> was written by a newer SecureChat and is not touched.
/// <para>
/// Version 1: <c>meta</c> (the database's random id, how the key is kept, the wrapped key or the key file's check)
/// and <c>messages</c> (per row: the conversation's opaque tag, its sequence number in the conversation, the time in
/// Unix milliseconds, all in clear so that pages load by index; and the sealed body, see
/// <see cref="HistoryRowCipher"/>). Stateless and thread-safe.
/// </para>
/// </summary>
internal static class HistorySchema
{
    public const int ApplicationId = 0x53434831;
    public const int CurrentVersion = 1;

    private static readonly string[] s_migrations =
    [
        // 0 -> 1
        $"""
        CREATE TABLE meta (name TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
        CREATE TABLE messages (
            id INTEGER PRIMARY KEY,
            conv BLOB NOT NULL,
            seq INTEGER NOT NULL,
            time INTEGER NOT NULL,
            body BLOB NOT NULL,
            UNIQUE (conv, seq));
        CREATE INDEX messages_time ON messages (time);
        PRAGMA application_id = {ApplicationId};
        """,
    ];

    /// <summary>What an opened file holds, read without writing anything.</summary>
    public static (int ApplicationId, int Version, long Objects) Probe(SqliteConnection connection)
    {
        int application = (int)Scalar(connection, "PRAGMA application_id");
        int version = (int)Scalar(connection, "PRAGMA user_version");
        long objects = Scalar(connection, "SELECT count(*) FROM sqlite_master");
        return (application, version, objects);
    }

    /// <summary>Runs the migrations from <paramref name="fromVersion"/> to <see cref="CurrentVersion"/> in <paramref name="transaction"/>.</summary>
    public static void Migrate(SqliteConnection connection, SqliteTransaction transaction, int fromVersion)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fromVersion);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fromVersion, CurrentVersion);
        for (int version = fromVersion; version < CurrentVersion; version++)
        {
            using SqliteCommand command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = s_migrations[version] + $"\nPRAGMA user_version = {version + 1};";
            command.ExecuteNonQuery();
        }
    }

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
