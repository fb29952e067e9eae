using SecureChat.Engine.Hub;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Hub;

/// <summary>Joining, parting, listing and the room limits (<see cref="RoomEntry"/>, PROTOCOL.md 4.2 and 8).</summary>
public sealed class RoomEntryTests
{
    [Fact]
    public void The_first_to_enter_a_room_creates_it_as_its_operator_under_its_own_spelling()
    {
        var hub = new TestHub();
        var (alice, bob) = hub.Connect("Alice", "Bob");

        alice.Ask(RoomOp.Join, "#Rust");
        bob.Ask(RoomOp.Join, "#RUST");

        alice.Take().ShouldBe(["Info Entered #Rust flags=2 members=1 '' founder", "Presence Joined #Rust Bob(i2) flags=0 ''"]);
        bob.Take().ShouldBe(["Info Entered #Rust flags=0 members=2 ''", "Presence Member #Rust Alice(i1) flags=1 ''"]);
        hub.Router.RoomsOf(bob.Member).ShouldBe(["#lobby", "#Rust"]);
    }

    [Fact]
    public void A_room_name_without_its_hash_or_with_a_space_is_answered_with_bad_room_name()
    {
        var hub = new TestHub();
        TestHub.Client alice = hub.Connect("Alice");

        alice.Ask(RoomOp.Join, "rust");
        alice.Ask(RoomOp.Join, "#two words");
        alice.Ask(RoomOp.Join, "#");
        alice.Ask(RoomOp.Join, "#" + new string('a', 64));

        alice.Take().ShouldAllBe(l => l.StartsWith("Reply BadRoomName Join ", StringComparison.Ordinal));
        hub.Router.RoomsOf(alice.Member).ShouldBe(["#lobby"]);
    }

    [Fact]
    public void A_part_is_told_to_every_member_including_the_one_who_leaves_and_an_empty_room_forgets_its_topic()
    {
        var hub = new TestHub();
        var (alice, bob) = hub.Connect("Alice", "Bob");
        hub.Join("#rust", alice, bob);
        alice.Ask(RoomOp.Topic, "#rust", text: "borrowing");
        hub.ClearAll();

        bob.Ask(RoomOp.Part, "#rust", text: "lunch");
        alice.Take().ShouldBe(["Presence Parted #rust Bob(i2) flags=0 'lunch'"]);
        bob.Take().ShouldBe(["Presence Parted #rust Bob(i2) flags=0 'lunch'"]);

        alice.Ask(RoomOp.Part, "#rust");
        bob.Ask(RoomOp.Join, "#rust");
        bob.Take().ShouldBe(["Info Entered #rust flags=2 members=1 '' founder"]);
        bob.Ask(RoomOp.Part, "#nowhere");
        bob.Take().ShouldBe(["Reply NotMember Part #nowhere (-)"]);
    }

    [Fact]
    public void The_lobby_stays_when_everyone_parts_it()
    {
        var hub = new TestHub();
        TestHub.Client alice = hub.Connect("Alice");
        hub.Router.Request(hub.Router.Operator, new RoomRequest(RoomOp.Part, "#lobby"));
        alice.Ask(RoomOp.Part, "#lobby");
        alice.Ask(RoomOp.List, "");

        alice.Take().ShouldBe([
            "Presence Parted #lobby Op(i0) flags=0 ''",
            "Info Entered #lobby flags=0 members=1 '' founder", // the operator held the lobby's group alone: Alice, its waiting joiner, founds it anew
            "Presence Parted #lobby Alice(i1) flags=0 ''",
            "Info Listed #lobby flags=0 members=0 ''",
            "Info ListEnd  flags=0 members=1 ''",
        ]);
    }

    [Fact]
    public void A_list_names_every_room_with_its_flags_members_and_topic_then_how_many()
    {
        var hub = new TestHub();
        var (alice, bob) = hub.Connect("Alice", "Bob");
        alice.Ask(RoomOp.Join, "#rust");
        alice.Ask(RoomOp.Topic, "#rust", text: "ownership");
        alice.Ask(RoomOp.Mode, "#rust", text: "+i");
        hub.ClearAll();

        bob.Ask(RoomOp.List, "");
        alice.Ask(RoomOp.List, "");

        bob.Take().ShouldBe([
            "Info Listed #lobby flags=0 members=3 ''",
            "Info Listed #rust flags=1 members=1 'ownership'",
            "Info ListEnd  flags=0 members=2 ''",
        ]);
        alice.Take()[1].ShouldBe("Info Listed #rust flags=1 members=1 'ownership'");
    }

    [Fact]
    public void A_member_in_64_rooms_cannot_enter_a_65th()
    {
        var time = new ManualTime();
        var hub = new TestHub(new HubSettings { Time = time });
        TestHub.Client alice = hub.Connect("Alice");
        for (int i = 1; i < 64; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            hub.Router.Request(alice.Member, new RoomRequest(RoomOp.Join, "#r" + i)).ShouldBe(RequestOutcome.Handled);
            Drain(alice);
        }

        hub.Router.RoomsOf(alice.Member).Count.ShouldBe(64);
        alice.Ask(RoomOp.Join, "#one-more");
        alice.Take().ShouldBe(["Reply TooManyRooms Join #one-more (-)"]);
        hub.Router.RoomsOf(alice.Member).Count.ShouldBe(64);
    }

    [Fact]
    public void A_hub_at_its_room_limit_creates_no_more_rooms_but_existing_ones_can_still_be_entered()
    {
        var hub = new TestHub(new HubSettings { MaxRooms = 3 });
        var (alice, bob) = hub.Connect("Alice", "Bob");
        alice.Ask(RoomOp.Join, "#a");
        alice.Ask(RoomOp.Join, "#b");
        hub.ClearAll();

        bob.Ask(RoomOp.Join, "#c");
        bob.Ask(RoomOp.Join, "#a");

        bob.Take().ShouldBe(["Reply TooManyRooms Join #c (-)", "Info Entered #a flags=0 members=2 ''", "Presence Member #a Alice(i1) flags=1 ''"]);
    }

    [Fact]
    public void An_invite_only_room_lets_in_an_invited_identity_once()
    {
        var hub = new TestHub();
        var (alice, bob) = hub.Connect("Alice", "Bob");
        alice.Ask(RoomOp.Join, "#club");
        alice.Ask(RoomOp.Mode, "#club", text: "+i");
        hub.ClearAll();

        bob.Ask(RoomOp.Join, "#club");
        bob.Take().ShouldBe(["Reply InviteOnly Join #club (-)"]);

        alice.Ask(RoomOp.Invite, "#club", "bob");
        alice.Take().ShouldBe(["Reply Done Invite #club Bob(i2)"]);
        bob.Take().ShouldBe(["Event Invited #club by Alice(i1) on Bob(i2) ''"]);

        bob.Ask(RoomOp.Join, "#club");
        bob.Take()[0].ShouldBe("Info Entered #club flags=1 members=2 ''");
        bob.Ask(RoomOp.Part, "#club");
        bob.Ask(RoomOp.Join, "#club");
        bob.Take().Last().ShouldBe("Reply InviteOnly Join #club (-)");
    }

    [Fact]
    public void In_an_invite_only_room_only_operators_may_invite()
    {
        var hub = new TestHub();
        var (alice, bob, carol) = hub.Connect("Alice", "Bob", "Carol");
        hub.Join("#club", alice, bob);
        bob.Ask(RoomOp.Invite, "#club", "Carol");
        alice.Ask(RoomOp.Mode, "#club", text: "+i");
        hub.ClearAll();

        bob.Ask(RoomOp.Invite, "#club", "Carol");

        bob.Take().ShouldBe(["Reply NotOperator Invite #club (-)"]);
        carol.Take().ShouldBeEmpty();
    }

    [Fact]
    public void Requests_past_the_burst_are_refused_as_rate_limited_and_a_flood_ends_the_session()
    {
        var time = new ManualTime();
        var hub = new TestHub(new HubSettings { Time = time });
        TestHub.Client alice = hub.Connect("Alice");

        for (int i = 0; i < 20; i++)
        {
            alice.Ask(RoomOp.Join, "#lobby");
        }

        alice.Take().ShouldAllBe(l => l == "Reply Done Join #lobby (-)");
        alice.Ask(RoomOp.Join, "#x");
        alice.Take().ShouldBe(["Reply RateLimited Join #x (-)"]);
        time.Advance(TimeSpan.FromMilliseconds(250));
        alice.Ask(RoomOp.Join, "#x");
        alice.Take().ShouldBe(["Info Entered #x flags=2 members=1 '' founder"]);

        int handled = 0;
        while (alice.Ask(RoomOp.List, "") == RequestOutcome.Handled)
        {
            handled++;
        }

        handled.ShouldBe(200 + 10 - 22); // the flood bucket: its burst, ten more for the 250 ms waited, less the 22 asked before
        alice.Take().ShouldAllBe(l => l.StartsWith("Reply RateLimited List", StringComparison.Ordinal));
    }

    [Fact]
    public void A_mode_other_than_plus_or_minus_i_is_a_violation()
    {
        var hub = new TestHub();
        TestHub.Client alice = hub.Connect("Alice");

        alice.Ask(RoomOp.Mode, "#lobby", text: "+m").ShouldBe(RequestOutcome.Violation);
    }

    private static void Drain(TestHub.Client client) => client.Take();
}
