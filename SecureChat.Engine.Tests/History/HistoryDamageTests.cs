using System.Runtime.Versioning;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using SecureChat.Engine.History;
using static SecureChat.Engine.Tests.History.HistoryHome;

namespace SecureChat.Engine.Tests.History;

[UnsupportedOSPlatform("windows")]
public sealed class HistoryDamageTests
{
    private static readonly DateTimeOffset s_t0 = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_truncated_database_is_reported_in_one_line_moved_aside_unchanged_and_the_identity_and_trust_files_are_untouched(bool atPageBoundary)
    {
        using var home = new HistoryHome();
        home.Config.WriteAllTextAtomic("identity", "securechat-identity-v1 ed25519\nnWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=\n");
        home.Config.WriteAllTextAtomic("known_servers", "pins\n");
        FillAndClose(home, 3000);
        long length = new FileInfo(home.DatabasePath).Length;
        long cut = atPageBoundary ? length / 2 / 4096 * 4096 : length / 2 + 7;
        using (var file = new FileStream(home.DatabasePath, FileMode.Open))
        {
            file.SetLength(cut);
        }

        string truncatedHash = Hashes(home.DataPath)["history.db"];
        Dictionary<string, string> config = Hashes(home.Config.Path);

        HistoryException e = Should.Throw<HistoryException>(() => home.Open());

        e.Failure.ShouldBe(HistoryFailure.Damaged);
        e.Message.ShouldNotContain("\n");
        e.Message.ShouldContain("truncated");
        e.MovedTo.ShouldNotBeNull();
        e.Message.ShouldContain(e.MovedTo);
        File.Exists(home.DatabasePath).ShouldBeFalse();
        Hashes(home.DataPath)[Path.GetFileName(e.MovedTo)].ShouldBe(truncatedHash, "kept aside exactly as it was");
        Hashes(home.Config.Path).ShouldBe(config);

        using HistoryStore fresh = home.Open();
        fresh.Count().ShouldBe(0, "the next start begins a new history");
    }

    [Fact]
    public void A_page_of_garbage_inside_the_database_is_reported_as_damage_in_one_line_never_as_another_error()
    {
        using var home = new HistoryHome();
        FillAndClose(home, 3000);
        byte[] bytes = File.ReadAllBytes(home.DatabasePath);
        int pageSize = (bytes[16] << 8) | bytes[17];
        int page = bytes.Length / pageSize * 3 / 5;
        Array.Fill(bytes, (byte)0xA5, page * pageSize, pageSize);
        File.WriteAllBytes(home.DatabasePath, bytes);

        HistoryException e = Should.Throw<HistoryException>(() =>
        {
            // Found at open (and moved aside) or by the index built after it (reported by the search).
            using HistoryStore store = home.Open();
            store.Search("line");
        });

        e.Failure.ShouldBe(HistoryFailure.Damaged);
        e.Message.ShouldContain("is damaged");
        e.Message.ShouldNotContain("\n");
    }

    [Fact]
    public void Another_programs_sqlite_database_is_reported_as_foreign_and_moved_aside_unchanged()
    {
        using var home = new HistoryHome();
        Directory.CreateDirectory(home.DataPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using (var other = new SqliteConnection($"Data Source={home.DatabasePath};Pooling=False"))
        {
            other.Open();
            using SqliteCommand command = other.CreateCommand();
            command.CommandText = "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('someone else''s data');";
            command.ExecuteNonQuery();
        }

        string hash = Hashes(home.DataPath)["history.db"];
        HistoryException e = Should.Throw<HistoryException>(() => home.Open());

        e.Failure.ShouldBe(HistoryFailure.Foreign);
        e.Message.ShouldContain("not a SecureChat history");
        Hashes(home.DataPath)[Path.GetFileName(e.MovedTo!)].ShouldBe(hash);
    }

    [Fact]
    public void A_file_that_is_not_a_database_is_moved_aside_and_a_second_one_never_overwrites_the_first()
    {
        using var home = new HistoryHome();
        var time = new FakeTimeProvider(s_t0);
        Directory.CreateDirectory(home.DataPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllText(home.DatabasePath, new string('x', 5000));
        HistoryException first = Should.Throw<HistoryException>(() => HistoryStore.Open(home.Options(time: time)));
        first.Message.ShouldContain("not an SQLite database");

        File.WriteAllText(home.DatabasePath, new string('y', 5000));
        HistoryException second = Should.Throw<HistoryException>(() => HistoryStore.Open(home.Options(time: time)));

        second.MovedTo.ShouldNotBe(first.MovedTo);
        File.ReadAllText(first.MovedTo!).ShouldBe(new string('x', 5000));
        File.ReadAllText(second.MovedTo!).ShouldBe(new string('y', 5000));
    }

    [Fact]
    public async Task Swapped_rows_are_detected_as_damaged_lines_and_the_others_still_load()
    {
        using var home = new HistoryHome();
        FillAndClose(home, 5);
        SwapBodies(home, 2, 4);
        Raw(home, "UPDATE messages SET body = (SELECT body FROM messages WHERE seq = 1) WHERE seq = 3");

        using HistoryStore store = home.Open();
        IReadOnlyList<HistoryLine> page = store.Page(Lobby, null, 10);
        await store.Indexed;
        page.Where(l => l.IsDamaged).Select(l => l.Sequence).ShouldBe([2L, 3L, 4L], "two swapped, one copied over");
        page.Where(l => l.IsDamaged).ShouldAllBe(l => l.Text == "" && l.Sender == "");
        page.Single(l => l.Sequence == 1).Text.ShouldBe("line 1");
        page.Single(l => l.Sequence == 5).Text.ShouldBe("line 5");
        store.DamagedLines.ShouldBe(3);
        store.Search("line").Select(l => l.Sequence).ShouldBe([5L, 1L], "a damaged line is never found");
    }

    [Theory]
    [InlineData("UPDATE messages SET body = CAST(substr(body, 1, 30) || X'00' || substr(body, 32) AS BLOB) WHERE seq = 3", "a ciphertext byte")]
    [InlineData("UPDATE messages SET body = 'not a body' WHERE seq = 3", "the body's type")]
    [InlineData("UPDATE messages SET time = time + 1000 WHERE seq = 3", "the time")]
    [InlineData("UPDATE messages SET seq = 30 WHERE seq = 3", "the sequence number")]
    [InlineData("UPDATE messages SET conv = (SELECT conv FROM messages WHERE seq = 1 AND conv <> (SELECT conv FROM messages WHERE id = 1)) WHERE seq = 3 AND conv = (SELECT conv FROM messages WHERE id = 1)", "the conversation")]
    public async Task An_edited_row_is_detected(string edit, string what)
    {
        using var home = new HistoryHome();
        using (HistoryStore store = home.Open())
        {
            store.AppendRange([.. Enumerable.Range(1, 4).Select(i => Message(Lobby, $"line {i}", s_t0.AddSeconds(i)))]);
            store.Append(Message(Dev, "dev line", s_t0));
        }

        Raw(home, edit);

        using HistoryStore reopened = home.Open();
        await reopened.Indexed;
        reopened.DamagedLines.ShouldBe(1, what);
        IEnumerable<HistoryLine> all = reopened.Page(Lobby, null, 100).Concat(reopened.Page(Dev, null, 100));
        all.Where(l => l.IsDamaged).ShouldHaveSingleItem(what);
        reopened.Search("line").Count.ShouldBe(4);
    }

    [Fact]
    public void A_history_from_a_newer_version_is_refused_and_left_exactly_as_it_is()
    {
        using var home = new HistoryHome();
        FillAndClose(home, 3);
        Raw(home, "PRAGMA user_version = 2");
        Dictionary<string, string> data = Hashes(home.DataPath);

        HistoryException e = Should.Throw<HistoryException>(() => home.Open());

        e.Failure.ShouldBe(HistoryFailure.NewerSchema);
        e.Message.ShouldContain("newer SecureChat");
        e.MovedTo.ShouldBeNull();
        Hashes(home.DataPath).ShouldBe(data);
    }

    private static void FillAndClose(HistoryHome home, int count)
    {
        using HistoryStore store = home.Open();
        store.AppendRange([.. Enumerable.Range(1, count).Select(i => Message(Lobby, $"line {i}", s_t0.AddSeconds(i)))]);
    }

    private static void SwapBodies(HistoryHome home, long a, long b) => Raw(home, $"""
        CREATE TEMP TABLE saved AS SELECT seq, body FROM messages WHERE seq IN ({a}, {b});
        UPDATE messages SET body = (SELECT body FROM saved WHERE saved.seq = CASE messages.seq WHEN {a} THEN {b} ELSE {a} END) WHERE seq IN ({a}, {b});
        """);

    internal static void Raw(HistoryHome home, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={home.DatabasePath};Mode=ReadWrite;Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
