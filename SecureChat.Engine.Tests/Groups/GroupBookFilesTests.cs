using SecureChat.Engine.Groups;
using SecureChat.Engine.Identity;
using SecureChat.Engine.Mls;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Tests.Groups;

/// <summary>
/// A member's groups at rest (<see cref="GroupFiles"/>): a restarted book resumes its groups and key packages, keys
/// used before the restart stay used, and the files are private, opaque and refused when altered or foreign.
/// </summary>
public sealed class GroupBookFilesTests(ITestOutputHelper output) : IDisposable
{
    private readonly DirectoryInfo _config = Directory.CreateTempSubdirectory("securechat-groups-");

    [Fact]
    public void A_restarted_member_keeps_its_group_reads_and_sends_and_a_message_read_before_the_restart_is_refused_after()
    {
        var clock = new GroupClock();
        using var alice = new BookMember("alice", clock);
        alice.Book.LinkSecured();
        alice.Take<KeyPackagesRecord>();
        var bob = new BookMember("bob", clock, CipherSuite.Suite1.GenerateSignatureKeyPair().PrivateKey, _config.FullName);
        bob.Book.LinkSecured();
        bob.Take<KeyPackagesRecord>();
        GroupTarget room = HandHub.Room("#room", alice, bob);
        alice.Book.SendText(room, "before");
        GroupMessageRecord before = alice.TakeOne<GroupMessageRecord>();
        HandHub.Relay(alice, before, bob);
        bob.Book.SaveChanges();
        byte[] seed = bob.Seed.ToArray();
        bob.Dispose();

        using var restarted = new BookMember("bob", clock, seed, _config.FullName);

        restarted.Notices.ShouldBeEmpty();
        restarted.Book.StatusOf(room).ShouldBe(MemberGroupStatus.Member);
        restarted.Book.StateOf(room)!.EpochAuthenticator.ShouldBe(alice.Book.StateOf(room)!.EpochAuthenticator);
        HandHub.Relay(alice, before, restarted);
        restarted.Texts.ShouldBeEmpty();
        restarted.NoticesOf(GroupNoticeKind.Dropped).ShouldHaveSingleItem();
        alice.Book.SendText(room, "after");
        HandHub.Relay(alice, alice.TakeOne<GroupMessageRecord>(), restarted);
        restarted.Texts.ShouldHaveSingleItem().Text.ShouldBe("after");
        restarted.Book.SendText(room, "back");
        HandHub.Relay(restarted, restarted.TakeOne<GroupMessageRecord>(), alice);
        alice.Texts.ShouldHaveSingleItem().Text.ShouldBe("back");
    }

    [Fact]
    public void Key_packages_kept_at_rest_let_a_restarted_member_join_from_a_welcome_and_queued_texts_survive()
    {
        var clock = new GroupClock();
        using var alice = new BookMember("alice", clock);
        var bob = new BookMember("bob", clock, CipherSuite.Suite1.GenerateSignatureKeyPair().PrivateKey, _config.FullName);
        bob.Book.LinkSecured();
        bob.Take<KeyPackagesRecord>();
        var room = GroupTarget.ForRoom("#room");
        byte[] groupId = HandHub.Found(alice, "#room");
        HandHub.Enter(bob, "#room", groupId, alice);
        bob.Book.SendText(room, "written while waiting");
        bob.Book.SaveChanges();
        byte[] seed = bob.Seed.ToArray();
        byte[] keyPackage = bob.KeyPackagesAtHub.Dequeue();
        bob.Dispose();

        using var restarted = new BookMember("bob", clock, seed, _config.FullName);
        restarted.Book.StatusOf(room).ShouldBe(MemberGroupStatus.AwaitingWelcome);
        restarted.KeyPackagesAtHub.Enqueue(keyPackage);
        GroupCommitRecord add = HandHub.Task(alice, room, [restarted], []).ShouldNotBeNull();
        HandHub.Accept(alice, add, [], [restarted], 1);

        restarted.Book.StatusOf(room).ShouldBe(MemberGroupStatus.Member);
        HandHub.Relay(restarted, restarted.TakeOne<GroupMessageRecord>(), alice);
        alice.Texts.ShouldHaveSingleItem().Text.ShouldBe("written while waiting");
    }

    [Fact]
    public void Group_files_are_private_name_no_room_and_an_altered_or_foreign_file_is_refused_with_a_notice()
    {
        var clock = new GroupClock();
        using var alice = new BookMember("alice", clock);
        var bob = new BookMember("bob", clock, CipherSuite.Suite1.GenerateSignatureKeyPair().PrivateKey, _config.FullName);
        bob.Book.LinkSecured();
        bob.Take<KeyPackagesRecord>();
        alice.Book.LinkSecured();
        HandHub.Room("#secret-room", alice, bob);
        bob.Book.SaveChanges();
        string groups = bob.Files!.Path;
        byte[] seed = bob.Seed.ToArray();
        bob.Dispose();

        string[] names = [.. Directory.EnumerateFiles(groups).Select(Path.GetFileName)!];
        output.WriteLine($"{groups}: {string.Join(", ", names.Select(n => $"{n} ({new FileInfo(Path.Combine(groups, n!)).Length} bytes)"))}");
        names.Length.ShouldBe(2);
        names.ShouldAllBe(n => !n!.Contains("secret"));
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(groups).ShouldBe(ConfigDirectory.PrivateDirectoryMode);
            foreach (string name in names)
            {
                File.GetUnixFileMode(Path.Combine(groups, name)).ShouldBe(ConfigDirectory.PrivateFileMode);
            }
        }

        foreach (string name in names.Select(n => Path.Combine(groups, n!)))
        {
            File.ReadAllText(name).ShouldNotContain("secret-room");
        }

        using (var stranger = new BookMember("mallory", clock, CipherSuite.Suite1.GenerateSignatureKeyPair().PrivateKey, _config.FullName))
        {
            stranger.NoticesOf(GroupNoticeKind.Dropped).Count.ShouldBe(2);
            stranger.Book.StatusOf(GroupTarget.ForRoom("#secret-room")).ShouldBe(MemberGroupStatus.NoGroup);
            output.WriteLine(stranger.Notices[0].Text);
        }

        string groupFile = names.Select(n => Path.Combine(groups, n!)).Single(n => Path.GetFileName(n).StartsWith("g-"));
        byte[] bytes = File.ReadAllBytes(groupFile);
        bytes[^20] ^= 1;
        File.WriteAllBytes(groupFile, bytes);
        using var restarted = new BookMember("bob", clock, seed, _config.FullName);
        restarted.NoticesOf(GroupNoticeKind.Dropped).ShouldHaveSingleItem().Text.ShouldContain("does not open");
    }

    public void Dispose() => _config.Delete(recursive: true);
}
