using System.Text;
using Microsoft.Data.Sqlite;
using SecureChat.Engine.History;
using static SecureChat.Engine.Tests.History.HistoryHome;

namespace SecureChat.Engine.Tests.History;

/// <summary>Someone who copies the history's files, while it is open or after, finds none of what was said.</summary>
public sealed class HistoryPlaintextScanTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset s_t0 = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_database_and_its_wal_and_shm_files_hold_no_text_sender_room_or_peer_of_many_distinct_messages()
    {
        using var home = new HistoryHome();
        HistoryConversation[] conversations =
        [
            new("hubfingerprintzq1", "#roomzqalpha"), new("hubfingerprintzq1", "#roomzqbeta"),
            new("hubfingerprintzq2", "#roomzqalpha"), new("hubfingerprintzq1", "peerzqcarol"),
        ];
        var messages = Enumerable.Range(0, 600).Select(i => new HistoryMessage(
            conversations[i % conversations.Length], s_t0.AddSeconds(i), $"senderzq{i % 7}",
            $"canary{i:D4} {Guid.NewGuid():N} the quick brown fox é🎉", i % 5 == 0)).ToArray();
        string[] secrets =
        [
            .. messages.Select(m => m.Text), .. messages.Select(m => m.Text[..10]), .. messages.Select(m => m.Sender).Distinct(),
            "roomzqalpha", "roomzqbeta", "peerzqcarol", "hubfingerprintzq", "quick brown fox",
        ];

        using (HistoryStore store = home.Open())
        {
            store.AppendRange(messages[..300]);
            foreach (HistoryMessage message in messages[300..500])
            {
                store.Append(message);
            }

            store.Search("canary0123").ShouldHaveSingleItem("the texts are indexed, in memory");
            AssertNoneFound(home, secrets, expectWal: true);
        }

        AssertNoneFound(home, secrets, expectWal: false);
        using (HistoryStore reopened = home.Open())
        {
            reopened.Search("canary0499").ShouldHaveSingleItem("the index is rebuilt at unlock");
            reopened.AppendRange(messages[500..]);
            AssertNoneFound(home, secrets, expectWal: true);
        }
    }

    [Fact]
    public void A_cleared_rooms_ciphertext_is_gone_from_the_files_not_just_unlinked()
    {
        using var home = new HistoryHome();
        using (HistoryStore store = home.Open())
        {
            store.AppendRange([.. Enumerable.Range(0, 200).Select(i => Message(i % 2 == 0 ? Lobby : Dev, $"line {i}", s_t0.AddSeconds(i)))]);
        }

        List<byte[]> bodies = [];
        using (var raw = new SqliteConnection($"Data Source={home.DatabasePath};Mode=ReadOnly;Pooling=False"))
        {
            raw.Open();
            using SqliteCommand command = raw.CreateCommand();
            command.CommandText = "SELECT body FROM messages ORDER BY id";
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                bodies.Add((byte[])reader.GetValue(0));
            }
        }

        using (HistoryStore store = home.Open())
        {
            store.Clear(Lobby).ShouldBe(100);
            int left = HistoryScan.Files(home.DatabasePath).Sum(f => bodies.Count(b => HistoryScan.Find(f.Bytes, b.AsSpan(24, 16)) >= 0));
            left.ShouldBe(100, "only #dev's bodies are still in the files while the history is open");
        }

        int kept = HistoryScan.Files(home.DatabasePath).Sum(f => bodies.Count(b => HistoryScan.Find(f.Bytes, b.AsSpan(24, 16)) >= 0));
        kept.ShouldBe(100);
    }

    private void AssertNoneFound(HistoryHome home, string[] secrets, bool expectWal)
    {
        var files = HistoryScan.Files(home.DatabasePath).ToList();
        output.WriteLine(string.Join(", ", files.Select(f => $"{Path.GetFileName(f.Path)} {f.Bytes.Length} bytes")));
        files.Any(f => f.Path.EndsWith("-wal", StringComparison.Ordinal) && f.Bytes.Length > 0).ShouldBe(expectWal);
        var found = new List<string>();
        foreach ((string path, byte[] bytes) in files)
        {
            foreach (string secret in secrets)
            {
                if (HistoryScan.Find(bytes, Encoding.UTF8.GetBytes(secret)) >= 0 || HistoryScan.Find(bytes, Encoding.Unicode.GetBytes(secret)) >= 0)
                {
                    found.Add($"{Path.GetFileName(path)}: {secret}");
                }
            }
        }

        found.ShouldBeEmpty(string.Join(Environment.NewLine, found));
    }
}
