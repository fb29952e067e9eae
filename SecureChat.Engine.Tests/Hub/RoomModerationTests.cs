using SecureChat.Engine.Hub;
using SecureChat.Engine.Identity;
using SecureChat.Engine.Tests.Support;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Hub;

/// <summary>Kick, ban, unban, mute, op, deop and topic, with their permission rules (<see cref="RoomModeration"/>).</summary>
public sealed class RoomModerationTests
{
    [Fact]
    public void Only_a_room_operator_may_kick_and_the_kicked_member_hears_why_then_is_out()
    {
        var hub = new TestHub();
        var (alice, bob, carol) = hub.Connect("Alice", "Bob", "Carol");
        hub.Join("#rust", alice, bob, carol);
        hub.ClearAll();

        bob.Ask(RoomOp.Kick, "#rust", "Carol", "go");
        bob.Take().ShouldBe(["Reply NotOperator Kick #rust (-)"]);

        alice.Ask(RoomOp.Kick, "#rust", "carol", "spam");
        string kicked = "Event Kicked #rust by Alice(i1) on Carol(i3) 'spam'";
        alice.Take().ShouldBe([kicked]);
        bob.Take().ShouldBe([kicked]);
        carol.Take().ShouldBe([kicked]);
        hub.Router.RoomsOf(carol.Member).ShouldBe(["#lobby"]);
    }

    [Fact]
    public void Nobody_can_kick_or_ban_themselves_or_kick_ban_mute_or_deop_the_hub_operator()
    {
        var hub = new TestHub();
        TestHub.Client alice = hub.Connect("Alice");
        hub.ClearAll();

        alice.Ask(RoomOp.Kick, "#lobby", "Alice");
        alice.Take().ShouldBe(["Reply NotOperator Kick #lobby (-)"]); // #lobby has no operator but the hub's
        alice.Ask(RoomOp.Join, "#mine");
        alice.Take();
        hub.Router.Request(hub.Router.Operator, new RoomRequest(RoomOp.Join, "#mine"));
        hub.ClearAll();

        foreach (RoomOp op in new[] { RoomOp.Kick, RoomOp.Ban, RoomOp.Mute, RoomOp.Deop })
        {
            alice.Ask(op, "#mine", "Op");
        }

        alice.Ask(RoomOp.Kick, "#mine", "Alice");
        alice.Ask(RoomOp.Ban, "#mine", "Alice");
        alice.Take().ShouldBe([
            "Reply CannotTarget Kick #mine Op(i0)",
            "Reply CannotTarget Ban #mine Op(i0)",
            "Reply CannotTarget Mute #mine Op(i0)",
            "Reply CannotTarget Deop #mine Op(i0)",
            "Reply CannotTarget Kick #mine Alice(i1)",
            "Reply CannotTarget Ban #mine Alice(i1)",
        ]);
        hub.OperatorOutput.Take().ShouldBeEmpty();
    }

    [Fact]
    public void The_hub_operator_moderates_any_room_it_is_in()
    {
        var hub = new TestHub();
        TestHub.Client alice = hub.Connect("Alice");
        alice.Ask(RoomOp.Join, "#mine");
        hub.Router.Request(hub.Router.Operator, new RoomRequest(RoomOp.Join, "#mine"));
        hub.ClearAll();

        hub.Router.Request(hub.Router.Operator, new RoomRequest(RoomOp.Kick, "#mine", "Alice", "my hub"));

        alice.Take().ShouldBe(["Event Kicked #mine by Op(i0) on Alice(i1) 'my hub'"]);
        hub.Router.RoomsOf(alice.Member).ShouldBe(["#lobby"]);
    }

    [Fact]
    public void A_banned_identity_is_removed_and_cannot_come_back_under_another_name_or_from_another_link()
    {
        var hub = new TestHub();
        TestHub.Client alice = hub.Connect("Alice");
        TestHub.Client mallory = hub.Connect("Mallory", identity: 9);
        hub.Join("#rust", alice, mallory);
        hub.ClearAll();

        alice.Ask(RoomOp.Ban, "#rust", "Mallory");
        mallory.Take().ShouldBe(["Event Banned #rust by Alice(i1) on Mallory(i9) ''"]);
        hub.Router.RoomsOf(mallory.Member).ShouldBe(["#lobby"]);

        hub.Router.Rename(mallory.Member, "Innocent");
        mallory.Ask(RoomOp.Join, "#RUST");
        mallory.Take().Last().ShouldBe("Reply Banned Join #rust (-)");
        TestHub.Client second = hub.Connect("Other", identity: 9);
        second.Ask(RoomOp.Join, "#rust");
        second.Take().ShouldBe(["Reply Banned Join #rust (-)"]);

        alice.Ask(RoomOp.Unban, "#rust", "Innocent");
        alice.Take().ShouldBe(["Event Unbanned #rust by Alice(i1) on Innocent(i9) ''"]);
        second.Ask(RoomOp.Join, "#rust");
        second.Take()[0].ShouldStartWith("Info Entered #rust");
    }

    [Fact]
    public void A_ban_outlives_its_room_and_a_name_nobody_connected_holds_is_banned_by_its_registered_owner()
    {
        var hub = new TestHub(new HubSettings { NameOwner = name => name == "Ghost" ? TestHub.Digest(44) : null });
        TestHub.Client alice = hub.Connect("Alice");
        alice.Ask(RoomOp.Join, "#rust");
        alice.Ask(RoomOp.Ban, "#rust", "Ghost");
        alice.Ask(RoomOp.Ban, "#rust", "Nobody");
        alice.Ask(RoomOp.Part, "#rust");
        hub.ClearAll();

        TestHub.Client ghost = hub.Connect("Ghost", identity: 44);
        ghost.Ask(RoomOp.Join, "#rust");

        ghost.Take().ShouldBe(["Reply Banned Join #rust (-)"]);
    }

    [Fact]
    public void A_muted_member_is_shown_muted_in_presence_flags_until_unmuted()
    {
        // What a muted member's GroupMessages get (Reply muted, relayed to nobody) is HubGroupsTests'.
        var hub = new TestHub();
        var (alice, bob) = hub.Connect("Alice", "Bob");
        hub.Join("#rust", alice, bob);
        alice.Ask(RoomOp.Mute, "#rust", "Bob");
        hub.ClearAll();

        TestHub.Client carol = hub.Connect("Carol");
        carol.Ask(RoomOp.Join, "#rust");
        carol.Take().ShouldContain("Presence Member #rust Bob(i2) flags=2 ''");

        alice.Ask(RoomOp.Unmute, "#rust", "Bob");
        alice.Ask(RoomOp.Mute, "#rust", "Dave");
        alice.Take().ShouldBe([
            "Presence Joined #rust Carol(i3) flags=0 ''",
            "Event Unmuted #rust by Alice(i1) on Bob(i2) ''",
            "Reply NoSuchName Mute #rust Dave(-)",
        ]);
        TestHub.Client dave = hub.Connect("Dave");
        dave.Ask(RoomOp.Join, "#rust");
        dave.Take().ShouldContain("Presence Member #rust Bob(i2) flags=0 ''");
    }

    [Fact]
    public void An_opped_member_may_moderate_and_a_deopped_one_no_longer_may()
    {
        var hub = new TestHub();
        var (alice, bob, carol) = hub.Connect("Alice", "Bob", "Carol");
        hub.Join("#rust", alice, bob);
        alice.Ask(RoomOp.Op, "#rust", "Bob");
        alice.Ask(RoomOp.Op, "#rust", "Carol");
        hub.ClearAll();

        alice.Take().ShouldBeEmpty();
        bob.Ask(RoomOp.Topic, "#rust", text: "new " + new string('x', 300));
        alice.Take().Single().ShouldBe($"Event Topic #rust by Bob(i2) on (-) 'new {new string('x', 251)}'");
        alice.Ask(RoomOp.Deop, "#rust", "Bob");
        bob.Ask(RoomOp.Topic, "#rust", text: "again");
        bob.Take().ShouldBe(["Event Topic #rust by Bob(i2) on (-) 'new " + new string('x', 251) + "'", "Event Deopped #rust by Alice(i1) on Bob(i2) ''", "Reply NotOperator Topic #rust (-)"]);
    }

    [Fact]
    public void Bans_are_kept_in_the_bans_file_and_read_back_by_the_next_hub()
    {
        using var temp = new TempDirectory();
        byte[] mallory = TestHub.Digest(9);
        IRoomBans first = new RoomBanFile(ConfigDirectory.Open(temp.Path));
        first.Add(Engine.Chat.RoomName.Key("#Rust"), mallory).ShouldBeTrue();
        first.Add(Engine.Chat.RoomName.Key("#rust"), mallory).ShouldBeFalse();
        first.Add(Engine.Chat.RoomName.Key("#go"), mallory).ShouldBeTrue();
        first.Remove(Engine.Chat.RoomName.Key("#go"), mallory).ShouldBeTrue();
        ((RoomBanFile)first).Flush();

        IRoomBans second = new RoomBanFile(ConfigDirectory.Open(temp.Path));

        second.IsBanned(Engine.Chat.RoomName.Key("#RUST"), mallory).ShouldBeTrue();
        second.IsBanned(Engine.Chat.RoomName.Key("#go"), mallory).ShouldBeFalse();
        second.IsBanned(Engine.Chat.RoomName.Key("#rust"), TestHub.Digest(8)).ShouldBeFalse();
        File.ReadAllLines(temp.Combine(RoomBanFile.FileName)).Count(l => !l.StartsWith('#')).ShouldBe(1);
    }
}
