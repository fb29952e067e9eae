using System.Runtime.Versioning;
using Microsoft.Extensions.Time.Testing;
using SecureChat.Engine.History;
using static SecureChat.Engine.Tests.History.HistoryHome;

namespace SecureChat.Engine.Tests.History;

// File modes are Unix permissions; the engine skips them on Windows, and so do these checks.
[UnsupportedOSPlatform("windows")]
public sealed class HistoryStoreTests
{
    private static readonly DateTimeOffset s_t0 = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_kept_line_comes_back_after_the_history_is_closed_and_opened_again()
    {
        using var home = new HistoryHome();
        using (HistoryStore store = home.Open())
        {
            HistoryLine kept = store.Append(Message(Lobby, "héllo wörld 🎉\nsecond line", s_t0, sender: "bob"));
            kept.Sequence.ShouldBe(1);
            store.Append(Message(Alice, "a direct word", s_t0.AddSeconds(1), sender: "me", own: true)).Sequence.ShouldBe(1);
        }

        using (HistoryStore store = home.Open())
        {
            HistoryLine line = store.Page(Lobby, null, 10).ShouldHaveSingleItem();
            line.ShouldBe(new HistoryLine(Lobby, 1, s_t0, "bob", "héllo wörld 🎉\nsecond line", false), "conversation, sequence, time, sender, text");
            HistoryLine direct = store.Page(Alice, null, 10).ShouldHaveSingleItem();
            (direct.Sender, direct.Text, direct.IsOwn, direct.IsDamaged).ShouldBe(("me", "a direct word", true, false));
            store.Append(Message(Lobby, "after reopening", s_t0.AddSeconds(2))).Sequence.ShouldBe(2, "sequence numbers carry on across runs");
            await store.Indexed;
            store.DamagedLines.ShouldBe(0);
        }
    }

    [Fact]
    public void Pages_go_back_through_one_conversation_by_sequence_oldest_first_in_each_page()
    {
        using var home = new HistoryHome();
        using HistoryStore store = home.Open();
        store.AppendRange([.. Enumerable.Range(1, 250).SelectMany(i => new[]
        {
            Message(Lobby, $"lobby {i}", s_t0.AddSeconds(i)),
            Message(LobbyOnHubB, $"other hub {i}", s_t0.AddSeconds(i)),
        })]);

        IReadOnlyList<HistoryLine> latest = store.Page(Lobby, null, 100);
        latest.Select(l => l.Text).ShouldBe(Enumerable.Range(151, 100).Select(i => $"lobby {i}"));
        latest.Select(l => l.Sequence).ShouldBe(Enumerable.Range(151, 100).Select(i => (long)i));

        IReadOnlyList<HistoryLine> older = store.Page(Lobby, latest[0].Sequence, 100);
        older.Select(l => l.Sequence).ShouldBe(Enumerable.Range(51, 100).Select(i => (long)i));
        IReadOnlyList<HistoryLine> oldest = store.Page(Lobby, older[0].Sequence, 100);
        oldest.Select(l => l.Sequence).ShouldBe(Enumerable.Range(1, 50).Select(i => (long)i), "the last page is short");
        store.Page(Lobby, 1, 100).ShouldBeEmpty("nothing before the first line");

        store.Page(LobbyOnHubB, null, 1).ShouldHaveSingleItem().Text.ShouldBe("other hub 250", "the same room on another hub is another conversation");
        store.Page(Dev, null, 10).ShouldBeEmpty();
        store.Count(Lobby).ShouldBe(250);
        store.Count().ShouldBe(500);
    }

    [Fact]
    public void Search_finds_words_across_conversations_newest_first_ignoring_case_and_accents()
    {
        using var home = new HistoryHome();
        using (HistoryStore first = home.Open())
        {
            first.Append(Message(Lobby, "The Deployment is done", s_t0));
            first.Append(Message(Dev, "unrelated", s_t0.AddMinutes(1)));
        }

        // The index is in memory: built from the decrypted rows when the history is unlocked, then kept up to date.
        using HistoryStore store = home.Open();
        store.Append(Message(Dev, "deployment failed on stage", s_t0.AddMinutes(2)));
        store.Append(Message(Alice, "Déploiement? no: deployments are fine", s_t0.AddMinutes(3), sender: "alice"));

        IReadOnlyList<HistoryLine> found = store.Search("DEPLOY");
        found.Select(l => (l.Conversation, l.Text)).ShouldBe([
            (Alice, "Déploiement? no: deployments are fine"),
            (Dev, "deployment failed on stage"),
            (Lobby, "The Deployment is done"),
        ]);
        store.Search("deploiement").ShouldHaveSingleItem().Conversation.ShouldBe(Alice);
        store.Search("deployment stage").ShouldHaveSingleItem().Sequence.ShouldBe(2, "every word must be there; it is the second line of #dev");
        store.Search("nothing-like-this").ShouldBeEmpty();
        store.Search("deploy", limit: 2).Count.ShouldBe(2);
    }

    [Fact]
    public async Task Lines_added_and_cleared_while_the_index_is_built_are_found_or_not_as_if_it_had_been_built_first()
    {
        using var home = new HistoryHome();
        using (HistoryStore first = home.Open())
        {
            first.AppendRange([.. Enumerable.Range(0, 20_000).Select(i => Message(i % 2 == 0 ? Lobby : Dev, $"old{i} common", s_t0.AddSeconds(i)))]);
        }

        using HistoryStore store = home.Open();
        store.Page(Lobby, null, 100).Count.ShouldBe(100, "pages load while the index is built");
        store.Append(Message(Alice, "new common", s_t0.AddDays(1)));
        store.Clear(Dev).ShouldBe(10_000);
        await store.Indexed;

        store.Search("old19998").ShouldHaveSingleItem().Conversation.ShouldBe(Lobby);
        store.Search("old19999").ShouldBeEmpty("#dev was cleared");
        IReadOnlyList<HistoryLine> common = store.Search("common", limit: HistoryStore.PageMax);
        common.Count.ShouldBe(HistoryStore.PageMax, "10,001 lines match; a search returns at most PageMax");
        common[0].Text.ShouldBe("new common");
        common.ShouldNotContain(l => l.Conversation == Dev);
    }

    [Fact]
    public void Search_of_own_lines_only_leaves_out_what_others_wrote()
    {
        using var home = new HistoryHome();
        using HistoryStore store = home.Open();
        store.Append(Message(Lobby, "lunch at noon?", s_t0, sender: "bob"));
        store.Append(Message(Lobby, "lunch sounds good", s_t0.AddSeconds(1), sender: "me", own: true));

        store.Search("lunch").Count.ShouldBe(2);
        store.Search("lunch", ownOnly: true).ShouldHaveSingleItem().Text.ShouldBe("lunch sounds good");
    }

    [Theory]
    [InlineData("\"")]
    [InlineData("a\" OR \"b")]
    [InlineData("NEAR(x y)")]
    [InlineData("text : *")]
    [InlineData("-)(^")]
    [InlineData("   ")]
    public void Search_text_is_never_taken_as_query_syntax(string text)
    {
        using var home = new HistoryHome();
        using HistoryStore store = home.Open();
        store.Append(Message(Lobby, "a b x y text plain", s_t0));

        Should.NotThrow(() => store.Search(text));
    }

    [Fact]
    public void Clearing_one_room_keeps_the_others_and_its_lines_are_no_longer_found()
    {
        using var home = new HistoryHome();
        using HistoryStore store = home.Open();
        store.Append(Message(Lobby, "lobby secret", s_t0));
        store.Append(Message(Dev, "dev secret", s_t0));

        store.Clear(Lobby).ShouldBe(1);

        store.Page(Lobby, null, 10).ShouldBeEmpty();
        store.Search("secret").ShouldHaveSingleItem().Conversation.ShouldBe(Dev);
        store.Append(Message(Lobby, "fresh start", s_t0.AddSeconds(1))).Sequence.ShouldBe(1);
        store.ClearAll().ShouldBe(2);
        store.Count().ShouldBe(0);
        store.Search("secret").ShouldBeEmpty();
    }

    [Fact]
    public void Retention_deletes_lines_older_than_the_setting_at_open_and_when_applied()
    {
        using var home = new HistoryHome();
        var time = new FakeTimeProvider(s_t0.AddDays(10));
        using (HistoryStore store = home.Open())
        {
            store.Append(Message(Lobby, "eight days old", s_t0.AddDays(2)));
            store.Append(Message(Lobby, "six days old", s_t0.AddDays(4)));
            store.Append(Message(Dev, "one day old", s_t0.AddDays(9)));
        }

        using (HistoryStore store = home.Open(retention: TimeSpan.FromDays(7), time: time))
        {
            store.Page(Lobby, null, 10).Select(l => l.Text).ShouldBe(["six days old"]);
            store.Search("eight").ShouldBeEmpty();

            time.Advance(TimeSpan.FromDays(2));
            store.ApplyRetention().ShouldBe(1);
            store.Page(Lobby, null, 10).ShouldBeEmpty();
            store.Page(Dev, null, 10).ShouldHaveSingleItem();
        }
    }

    [Fact]
    public void Export_writes_a_plain_text_log_only_to_the_file_asked_for_and_never_replaces_one()
    {
        using var home = new HistoryHome();
        using HistoryStore store = home.Open();
        store.Append(Message(Lobby, "first", s_t0, sender: "bob"));
        store.Append(Message(Lobby, "second\u001b[31m red\nline two", s_t0.AddSeconds(5), sender: "me", own: true));
        store.Append(Message(Dev, "not this room", s_t0));
        Directory.EnumerateFiles(home.DataPath).Select(Path.GetFileName).ShouldNotContain(n => n!.EndsWith(".txt", StringComparison.Ordinal));

        string file = home.Combine("lobby.txt");
        store.Export(Lobby, file, TimeZoneInfo.Utc).ShouldBe(2);

        string[] lines = File.ReadAllLines(file);
        lines.Length.ShouldBe(2);
        lines[0].ShouldBe("2026-12-07 12:00:00 +00:00 <bob> first");
        lines[1].ShouldStartWith("2026-12-07 12:00:05 +00:00 <me> second");
        lines[1].ShouldNotContain("\u001b", customMessage: "a peer's escape sequence never reaches the log raw");
        lines[1].ShouldContain("line two");
        File.GetUnixFileMode(file).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);

        IOException refused = Should.Throw<IOException>(() => store.Export(Dev, file));
        refused.Message.ShouldContain("refusing to replace it");
        File.ReadAllLines(file).ShouldBe(lines);
    }

    [Fact]
    public void The_history_files_are_private_and_a_second_instance_is_refused_while_one_has_it_open()
    {
        using var home = new HistoryHome();
        using HistoryStore store = home.Open();
        store.Append(Message(Lobby, "x", s_t0));

        File.GetUnixFileMode(home.DataPath).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (string file in Directory.EnumerateFiles(home.DataPath))
        {
            File.GetUnixFileMode(file).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite, file);
        }

        Directory.EnumerateFiles(home.DataPath).Select(Path.GetFileName).ShouldContain("history.db-wal", "WAL mode");
        HistoryException e = Should.Throw<HistoryException>(() => home.Open());
        e.Failure.ShouldBe(HistoryFailure.InUse);
        e.Message.ShouldNotContain("\n");
    }
}
