using SecureChat.Engine.Crypto;
using SecureChat.Engine.Identity;
using SecureChat.Tui.App;
using SecureChat.Tui.CommandLine;
using SecureChat.Tui.Tests.Support;

namespace SecureChat.Tui.Tests.App;

/// <summary>The rooms and ignored files as a person or another version may have left them, and the pin a restarted client finds its rooms by.</summary>
public sealed class RoomsFileTests
{
    private const string Server = "5E5E 0000 0000 0000 0000 0000 0000 0001";
    private const string Other = "0000 1111 2222 3333 4444 5555 6666 7777";

    [Fact]
    public void Lines_it_does_not_understand_and_other_servers_rooms_survive_a_rewrite_and_bad_room_names_are_never_entered()
    {
        string dir = AppUnderTest.NewConfigDir();
        ConfigDirectory directory = ConfigDirectory.OpenPath(dir);
        File.WriteAllText(Path.Combine(dir, RoomsFile.FileName), $"# my notes\n{Other} #ops\n{Server} #dev\n{Server} not-a-room\n{Server} #two words\ngarbage\n");
        var rooms = new RoomsFile(directory);

        rooms.For(Server).ShouldBe(["#dev"], "a line whose last field is not a room name is no room");
        rooms.Save(Server, ["#lobby", "#dev", "#new"]);

        rooms.For(Server).ShouldBe(["#dev", "#new"], "the lobby is not kept: every client is in it");
        rooms.For(Other).ShouldBe(["#ops"]);
        string text = File.ReadAllText(Path.Combine(dir, RoomsFile.FileName));
        text.ShouldContain("garbage\n");
        text.ShouldContain("# my notes\n");
        text.ShouldContain($"{Server} not-a-room\n", customMessage: "kept as it is, never entered");
    }

    [Fact]
    public void The_ignored_file_reads_identities_with_or_without_the_reminder_of_their_name()
    {
        string dir = AppUnderTest.NewConfigDir();
        var ignored = new IgnoredFile(ConfigDirectory.OpenPath(dir));
        ignored.Save([(Server, "Bob"), (Other, null)]);

        ignored.Read().ShouldBe([Server, Other]);
        File.ReadAllText(Path.Combine(dir, IgnoredFile.FileName)).ShouldContain($"{Server} # Bob\n");
    }

    [Fact]
    public void A_client_finds_the_identity_pinned_for_its_server_s_address_and_none_before_the_first_connection()
    {
        string dir = AppUnderTest.NewConfigDir();
        using var key = new EphemeralSigner();
        using LocalTrust trust = LocalTrust.Open(new AppSettings { Role = ChatRole.Client, ConfigDir = dir });

        trust.PinnedServer("localhost", 12345).ShouldBeNull();
        new KnownServers(ConfigDirectory.OpenPath(dir)).Pin(KnownServers.Endpoint("LocalHost.", 12345), key.PublicKey);
        trust.PinnedServer("localhost", 12345).ShouldBe(IdentityFingerprint.Of(key.PublicKey));
        trust.PinnedServer("localhost", 12346).ShouldBeNull();
    }
}
