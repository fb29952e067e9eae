using System.Runtime.Versioning;
using Microsoft.Data.Sqlite;
using SecureChat.Engine.Hub.Store;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Hub.Store;

/// <summary>The hub store's files: their modes, WAL, and what happens to a file that is not the store.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class HubStoreFileTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private string StoreDirectory => _directory.Combine("data", "securechat");

    private string StoreFile => Path.Combine(StoreDirectory, "hub.db");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void The_directory_is_private_and_the_database_and_its_log_are_readable_by_the_owner_alone()
    {
        using HubStore store = HubStore.Open(StoreDirectory);
        store.Append("#lobby", StoredKind.Message, 0, "AA", [1]);

        File.GetUnixFileMode(StoreDirectory).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (string file in new[] { StoreFile, StoreFile + "-wal", StoreFile + "-shm" })
        {
            File.Exists(file).ShouldBeTrue(file);
            File.GetUnixFileMode(file).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite, file);
        }
    }

    [Fact]
    public void An_existing_directory_that_others_could_read_is_made_private()
    {
        Directory.CreateDirectory(StoreDirectory);
        File.SetUnixFileMode(StoreDirectory, (UnixFileMode)0b111_101_101);
        using HubStore store = HubStore.Open(StoreDirectory);

        File.GetUnixFileMode(StoreDirectory).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [Fact]
    public void The_database_is_in_write_ahead_log_mode()
    {
        using (HubStore store = HubStore.Open(StoreDirectory))
        {
            store.Append("#lobby", StoredKind.Message, 0, "AA", [1]);
        }

        // File format write and read versions 2: WAL (https://sqlite.org/fileformat2.html, section 1.3.3).
        byte[] header = File.ReadAllBytes(StoreFile)[..20];
        header[18].ShouldBe((byte)2);
        header[19].ShouldBe((byte)2);
    }

    [Fact]
    public void Every_write_waits_for_the_log_to_be_synced()
    {
        using HubStore store = HubStore.Open(StoreDirectory);

        // synchronous FULL (2) in WAL mode: a transaction's commit returns after the WAL is synced.
        store.Durability().ShouldBe((2L, true));
    }

    [Fact]
    public void A_file_that_is_not_a_database_is_moved_aside_and_a_new_store_started()
    {
        Directory.CreateDirectory(StoreDirectory);
        byte[] garbage = [.. Enumerable.Range(0, 5000).Select(i => (byte)(i * 7))];
        File.WriteAllBytes(StoreFile, garbage);

        using HubStore store = HubStore.Open(StoreDirectory);

        store.SetAside.ShouldNotBeNull();
        store.SetAsideReason.ShouldBe("it is not a SQLite database");
        Digest(store.SetAside).ShouldBe(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(garbage)));
        Path.GetFileName(store.SetAside).ShouldStartWith("hub.db.unreadable-");
        store.Append("#lobby", StoredKind.Message, 0, "AA", [1]).ShouldBe(1);
    }

    [Fact]
    public void A_cut_off_store_is_reported_moved_aside_with_its_companions_and_replaced()
    {
        using (HubStore store = HubStore.Open(StoreDirectory))
        {
            for (int i = 0; i < 200; i++)
            {
                store.Append("#lobby", StoredKind.Message, 0, "AA", new byte[1000]);
            }
        }

        long length = new FileInfo(StoreFile).Length;
        using (var file = new FileStream(StoreFile, FileMode.Open, FileAccess.Write))
        {
            file.SetLength(length / 2);
        }

        File.WriteAllBytes(StoreFile + "-wal", [1, 2, 3]); // shorter than a log's header: nothing to complete the file with

        using HubStore again = HubStore.Open(StoreDirectory);

        again.SetAsideReason.ShouldNotBeNull();
        again.SetAsideReason.ShouldStartWith("it is cut off");
        new FileInfo(again.SetAside!).Length.ShouldBe(length / 2);
        File.ReadAllBytes(again.SetAside + "-wal").ShouldBe([1, 2, 3]);
        again.LastSeq("#lobby").ShouldBe(0);
        again.Append("#lobby", StoredKind.Message, 0, "AA", [1]).ShouldBe(1);
    }

    [Fact]
    public void A_store_shorter_than_its_header_says_beside_a_write_ahead_log_is_left_for_sqlite_to_complete()
    {
        using (HubStore store = HubStore.Open(StoreDirectory))
        {
            store.Append("#lobby", StoredKind.Message, 0, "AA", [1]);
        }

        // As a checkpoint killed after it wrote page 1 leaves it: the header counts pages the file does not have yet.
        long length = new FileInfo(StoreFile).Length;
        using (var file = new FileStream(StoreFile, FileMode.Open, FileAccess.Write))
        {
            file.SetLength(length - 4096);
        }

        File.WriteAllBytes(StoreFile + "-wal", new byte[32]);
        HubStoreFileProblem().ShouldBeNull();
        File.Delete(StoreFile + "-wal");
        HubStoreFileProblem().ShouldNotBeNull();
    }

    [Fact]
    public void Another_programs_database_is_moved_aside_untouched()
    {
        Directory.CreateDirectory(StoreDirectory);
        using (var other = new SqliteConnection($"Data Source={StoreFile};Pooling=False"))
        {
            other.Open();
            using SqliteCommand create = other.CreateCommand();
            create.CommandText = "CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('mine');";
            create.ExecuteNonQuery();
        }

        string before = Digest(StoreFile);
        using HubStore store = HubStore.Open(StoreDirectory);

        store.SetAsideReason.ShouldBe("it is another program's database");
        Digest(store.SetAside!).ShouldBe(before);
        store.Append("#lobby", StoredKind.Message, 0, "AA", [1]).ShouldBe(1);
    }

    [Fact]
    public void A_store_of_a_newer_schema_is_refused_and_left_as_it_is()
    {
        using (HubStore store = HubStore.Open(StoreDirectory))
        {
            store.Append("#lobby", StoredKind.Message, 0, "AA", [1]);
        }

        using (var raw = new SqliteConnection($"Data Source={StoreFile};Pooling=False"))
        {
            raw.Open();
            using SqliteCommand bump = raw.CreateCommand();
            bump.CommandText = "PRAGMA user_version = 99;";
            bump.ExecuteNonQuery();
        }

        string before = Digest(StoreFile);
        HubStoreException refused = Should.Throw<HubStoreException>(() => HubStore.Open(StoreDirectory));

        refused.Message.ShouldContain("newer SecureChat (schema 99");
        Digest(StoreFile).ShouldBe(before);
        Directory.GetFiles(StoreDirectory).ShouldNotContain(f => f.Contains("unreadable", StringComparison.Ordinal));
    }

    [Fact]
    public void A_store_that_cannot_be_created_is_reported_in_plain_words()
    {
        string blocked = _directory.Combine("file");
        File.WriteAllText(blocked, "not a directory");

        HubStoreException refused = Should.Throw<HubStoreException>(() => HubStore.Open(Path.Combine(blocked, "securechat")));

        refused.Message.ShouldStartWith($"could not open the hub's store in {Path.Combine(blocked, "securechat")}: ");
    }

    private string? HubStoreFileProblem() => HubStoreFile.Problem(StoreFile);

    private static string Digest(string file) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file)));
}
