using System.Runtime.Versioning;
using Microsoft.Data.Sqlite;
using SecureChat.Engine.History;
using static SecureChat.Engine.Tests.History.HistoryHome;

namespace SecureChat.Engine.Tests.History;

[UnsupportedOSPlatform("windows")]
public sealed class HistorySchemaTests
{
    [Fact]
    public void An_empty_database_at_version_0_is_migrated_to_the_current_version()
    {
        using var home = new HistoryHome();
        Directory.CreateDirectory(home.DataPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using (var empty = new SqliteConnection($"Data Source={home.DatabasePath};Pooling=False"))
        {
            empty.Open();
            Execute(empty, "CREATE TABLE t (x); DROP TABLE t;");
            HistorySchema.Probe(empty).ShouldBe((0, 0, 0L));
        }

        using (HistoryStore store = home.Open())
        {
            store.Append(Message(Lobby, "at version 1"));
        }

        using var check = new SqliteConnection($"Data Source={home.DatabasePath};Mode=ReadOnly;Pooling=False");
        check.Open();
        HistorySchema.Probe(check).ShouldBe((HistorySchema.ApplicationId, HistorySchema.CurrentVersion, 4L), "meta, messages, their indexes");
        Scalar(check, "PRAGMA journal_mode").ShouldBe("wal");
    }

    [Fact]
    public void A_migration_interrupted_before_its_commit_leaves_the_previous_version_whole()
    {
        using var connection = new SqliteConnection("Data Source=:memory:;Pooling=False");
        connection.Open();
        using (SqliteTransaction transaction = connection.BeginTransaction())
        {
            HistorySchema.Migrate(connection, transaction, 0);
            Scalar(connection, "PRAGMA user_version", transaction).ShouldBe(HistorySchema.CurrentVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
            transaction.Rollback();
        }

        HistorySchema.Probe(connection).ShouldBe((0, 0, 0L));
    }

    [Fact]
    public void The_schema_version_and_owner_are_what_this_version_writes()
    {
        HistorySchema.CurrentVersion.ShouldBe(1);
        HistorySchema.ApplicationId.ShouldBe(0x53434831, "\"SCH1\"");
        Should.Throw<ArgumentOutOfRangeException>(() => HistorySchema.Migrate(null!, null!, HistorySchema.CurrentVersion + 1));
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string Scalar(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture)!;
    }
}
