using System.Runtime.Versioning;
using SecureChat.Engine.History;
using static SecureChat.Engine.Tests.History.HistoryHome;

namespace SecureChat.Engine.Tests.History;

[UnsupportedOSPlatform("windows")]
public sealed class HistoryKeyTests
{
    [Fact]
    public void A_wrong_passphrase_is_refused_with_one_clear_line_and_nothing_on_disk_changes()
    {
        using var home = new HistoryHome();
        using (HistoryStore store = home.Open("correct horse battery staple"))
        {
            store.Append(Message(Lobby, "kept under a passphrase"));
        }

        Dictionary<string, string> data = Hashes(home.DataPath);
        Dictionary<string, string> config = Hashes(home.Config.Path);

        HistoryException e = Should.Throw<HistoryException>(() => home.Open("correct horse battery stapler"));
        e.Failure.ShouldBe(HistoryFailure.WrongPassphrase);
        e.Message.ShouldStartWith("wrong history passphrase");
        e.Message.ShouldNotContain("\n");
        e.MovedTo.ShouldBeNull();
        Hashes(home.DataPath).ShouldBe(data);
        Hashes(home.Config.Path).ShouldBe(config);

        using HistoryStore reopened = home.Open("correct horse battery staple");
        reopened.Page(Lobby, null, 10).ShouldHaveSingleItem().Text.ShouldBe("kept under a passphrase");
    }

    [Fact]
    public void A_passphrase_history_is_not_opened_without_its_passphrase_nor_a_key_file_history_with_one()
    {
        using var home = new HistoryHome();
        home.Open("secret").Dispose();
        Dictionary<string, string> data = Hashes(home.DataPath);

        HistoryException none = Should.Throw<HistoryException>(() => home.Open());
        none.Failure.ShouldBe(HistoryFailure.WrongProtection);
        none.Message.ShouldContain("protected by a passphrase and none was given");
        Hashes(home.DataPath).ShouldBe(data);
        File.Exists(home.Config.PathOf("history.key")).ShouldBeFalse("a passphrase history never writes a key file");

        using var other = new HistoryHome();
        other.Open().Dispose();
        HistoryException extra = Should.Throw<HistoryException>(() => other.Open("secret"));
        extra.Failure.ShouldBe(HistoryFailure.WrongProtection);
        extra.Message.ShouldContain("not protected by a passphrase");
    }

    [Fact]
    public void Without_a_passphrase_the_key_is_kept_in_a_private_key_file_beside_the_identity_and_not_in_the_database()
    {
        using var home = new HistoryHome();
        home.Open().Dispose();

        string keyFile = home.Config.PathOf("history.key");
        File.GetUnixFileMode(keyFile).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        string[] lines = File.ReadAllLines(keyFile);
        lines[0].ShouldBe("securechat-history-key-v1");
        byte[] key = Convert.FromBase64String(lines[1]);
        key.Length.ShouldBe(32);
        HistoryScan.Find(File.ReadAllBytes(home.DatabasePath), key).ShouldBe(-1, "the key is never stored beside what it protects");
    }

    [Fact]
    public void A_missing_key_file_is_reported_and_no_new_key_replaces_it()
    {
        using var home = new HistoryHome();
        using (HistoryStore store = home.Open())
        {
            store.Append(Message(Lobby, "needs its key"));
        }

        File.Delete(home.Config.PathOf("history.key"));
        Dictionary<string, string> data = Hashes(home.DataPath);
        Dictionary<string, string> config = Hashes(home.Config.Path);

        HistoryException e = Should.Throw<HistoryException>(() => home.Open());
        e.Failure.ShouldBe(HistoryFailure.KeyFileUnusable);
        e.Message.ShouldContain("is missing");
        Hashes(home.DataPath).ShouldBe(data);
        Hashes(home.Config.Path).ShouldBe(config);
    }

    [Fact]
    public void Another_historys_key_file_does_not_open_this_history()
    {
        using var home = new HistoryHome();
        home.Open().Dispose();
        using var other = new HistoryHome();
        other.Open().Dispose();
        File.Copy(other.Config.PathOf("history.key"), home.Config.PathOf("history.key"), overwrite: true);

        HistoryException e = Should.Throw<HistoryException>(() => home.Open());
        e.Failure.ShouldBe(HistoryFailure.KeyFileUnusable);
        e.Message.ShouldContain("another history's key");
    }

    [Fact]
    public void A_key_file_other_users_can_read_is_refused()
    {
        using var home = new HistoryHome();
        home.Open().Dispose();
        string keyFile = home.Config.PathOf("history.key");
        File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        HistoryException e = Should.Throw<HistoryException>(() => home.Open());
        e.Failure.ShouldBe(HistoryFailure.KeyFileUnusable);
        e.Message.ShouldContain("chmod 600");
    }

    [Fact]
    public void A_wrapped_key_opens_only_with_its_passphrase_and_for_its_own_database()
    {
        byte[] database = new byte[16];
        byte[] otherDatabase = [.. Enumerable.Repeat((byte)1, 16)];
        using HistoryKey key = HistoryKey.Generate();
        byte[] wrapped = HistoryKeyWrap.Wrap(key, "pass"u8, database, new HistoryKdfCost(1024, 1));

        HistoryKeyWrap.TryUnwrap(wrapped, "pass"u8, database, out HistoryKey? back).ShouldBeTrue();
        using (back)
        {
            back!.TagOf(Lobby).ShouldBe(key.TagOf(Lobby));
        }

        HistoryKeyWrap.TryUnwrap(wrapped, "Pass"u8, database, out _).ShouldBeFalse();
        HistoryKeyWrap.TryUnwrap(wrapped, "pass"u8, otherDatabase, out _).ShouldBeFalse();
    }

    [Theory]
    [InlineData(HistoryKeyWrap.MemoryMax + 1, 1)]
    [InlineData(1024, HistoryKeyWrap.PassesMax + 1)]
    [InlineData(1024, 0)]
    [InlineData(4, 1)]
    public void A_wrapped_key_asking_for_an_unbounded_cost_is_refused_before_any_derivation(int memoryKib, int passes)
    {
        using HistoryKey key = HistoryKey.Generate();
        byte[] wrapped = HistoryKeyWrap.Wrap(key, "pass"u8, new byte[16], new HistoryKdfCost(1024, 1));
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(wrapped.AsSpan(1), memoryKib);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(wrapped.AsSpan(5), passes);

        HistoryKeyWrap.TryReadCost(wrapped, out _).ShouldBeFalse();
        HistoryKeyWrap.TryUnwrap(wrapped, "pass"u8, new byte[16], out _).ShouldBeFalse();
    }

    [Fact]
    public void The_default_cost_of_a_new_wrap_is_64_mib_and_3_passes()
    {
        HistoryKeyWrap.DefaultCost.ShouldBe(new HistoryKdfCost(64 * 1024, 3));
    }
}
