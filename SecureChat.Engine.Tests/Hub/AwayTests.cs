using Microsoft.Extensions.Time.Testing;
using SecureChat.Engine.Hub;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Hub;

/// <summary>Membership belongs to the identity (PROTOCOL.md 4.8): a dropped last link is away, a new link of it is back.</summary>
public sealed class AwayTests
{
    [Fact]
    public void A_dropped_last_link_leaves_its_identity_away_in_its_rooms_and_each_sharer_hears_away_once()
    {
        var hub = new TestHub();
        var (alice, bob, carol) = hub.Connect("Alice", "Bob", "Carol");
        hub.Join("#rust", alice, bob);
        carol.Ask(RoomOp.Part, "#lobby");
        hub.ClearAll();

        hub.Router.Drop(alice.Member);

        bob.Take().ShouldBe(["Presence Away Alice(i1) flags=0 ''"]);
        hub.OperatorOutput.Take().ShouldBe(["Presence Away Alice(i1) flags=0 ''"]);
        carol.Take().ShouldBeEmpty();
        hub.Router.RoomsOf(alice.Member).ShouldBe(["#lobby", "#rust"]);
        alice.Member.Away.ShouldBeTrue();
        hub.Router.Drop(alice.Member); // twice is once
        bob.Take().ShouldBeEmpty();
    }

    [Fact]
    public void A_new_link_of_an_away_identity_is_back_with_its_rooms_members_and_queued_relays_in_order()
    {
        var hub = new TestHub();
        var (alice, bob) = hub.Connect("Alice", "Bob");
        hub.Join("#rust", alice, bob);
        hub.Router.Drop(alice.Member);
        hub.ClearAll();
        GroupTarget rust = GroupTarget.ForRoom("#rust");
        alice.Member.Output.SendCommitRelay(new CommitRelayRecord(rust, TestHub.Digest(2), "Bob", [1]));
        alice.Member.Output.SendCommitRelay(new CommitRelayRecord(rust, TestHub.Digest(2), "Bob", [2]));
        alice.Member.Output.SendGroupRelay(new GroupRelayRecord(rust, TestHub.Digest(2), "Bob", [3])).ShouldBeTrue();
        ((AwayQueue)alice.Member.Output).Bytes.ShouldBe(3);

        var output = new RecordingOutput(d => "i" + (d[0] - 1));
        HubMember back = hub.Router.Connect(99, TestHub.Digest(1), TestHub.Key(1), "Alice2", output);

        back.ShouldBeSameAs(alice.Member);
        back.Away.ShouldBeFalse();
        output.Take().ShouldBe([
            "Presence You Alice(i1) flags=0 ''",
            "Info Entered #lobby flags=0 members=3 ''",
            "Presence Member #lobby Op(i0) flags=1 ''",
            "Presence Member #lobby Bob(i2) flags=0 ''",
            "Info Entered #rust flags=2 members=2 ''",
            "Presence Member #rust Bob(i2) flags=0 ''",
            "CommitRelay #rust from Bob(i2)",
            "CommitRelay #rust from Bob(i2)",
            "GroupRelay #rust from Bob(i2)",
        ]);
        bob.Take().ShouldBe(["Presence Back Alice(i1) flags=0 ''"]);
        hub.OperatorOutput.Take().ShouldBe(["Presence Back Alice(i1) flags=0 ''"]);
        hub.Router.Count.ShouldBe(3);
    }

    [Fact]
    public void A_second_link_of_a_connected_identity_replaces_the_first_and_nobody_hears_away_or_back()
    {
        var hub = new TestHub();
        var (alice, bob) = hub.Connect("Alice", "Bob");
        hub.Join("#rust", alice, bob);
        hub.ClearAll();
        var output = new RecordingOutput(d => "i" + (d[0] - 1));

        HubMember carried = hub.Router.Connect(99, TestHub.Digest(1), TestHub.Key(1), "Alice", output, out IMemberOutput? replaced);

        carried.ShouldBeSameAs(alice.Member);
        replaced.ShouldBeSameAs(alice.Output);
        output.Take().ShouldBe([
            "Presence You Alice(i1) flags=0 ''",
            "Info Entered #lobby flags=0 members=3 ''",
            "Presence Member #lobby Op(i0) flags=1 ''",
            "Presence Member #lobby Bob(i2) flags=0 ''",
            "Info Entered #rust flags=2 members=2 ''",
            "Presence Member #rust Bob(i2) flags=0 ''",
        ]);
        bob.Take().ShouldBeEmpty();
        hub.OperatorOutput.Take().ShouldBeEmpty();

        hub.Router.Drop(alice.Member, alice.Output); // the replaced link's end
        bob.Take().ShouldBeEmpty();
        alice.Member.Away.ShouldBeFalse();
        hub.Router.Count.ShouldBe(3);
    }

    [Fact]
    public void An_identity_away_longer_than_away_max_leaves_every_room_at_once_and_comes_back_as_a_new_member()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var hub = new TestHub(new HubSettings { Time = time, AwayMax = TimeSpan.FromDays(7) });
        var (alice, bob) = hub.Connect("Alice", "Bob");
        hub.Join("#rust", alice, bob);
        hub.Router.Drop(alice.Member);
        hub.ClearAll();

        time.Advance(TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1));
        bob.Take().ShouldBeEmpty();
        time.Advance(TimeSpan.FromSeconds(1));

        bob.Take().ShouldBe(["Presence Left Alice(i1) flags=0 ''", "Info Entered #rust flags=0 members=1 '' founder"]); // Bob waited to be added to Alice's group: he founds it anew
        hub.OperatorOutput.Take().ShouldBe(["Presence Left Alice(i1) flags=0 ''"]);
        alice.Member.Present.ShouldBeFalse();
        hub.Router.Count.ShouldBe(2);
        var output = new RecordingOutput(d => "i" + (d[0] - 1));
        HubMember fresh = hub.Router.Connect(99, TestHub.Digest(1), TestHub.Key(1), "Alice", output);
        fresh.ShouldNotBeSameAs(alice.Member);
        hub.Router.RoomsOf(fresh).ShouldBe(["#lobby"]);
        bob.Take().ShouldBe(["Presence Joined #lobby Alice(i1) flags=0 ''"]);
    }

    [Fact]
    public void An_identity_back_before_away_max_stays_in_its_rooms_after_it()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var hub = new TestHub(new HubSettings { Time = time });
        var (alice, bob) = hub.Connect("Alice", "Bob");
        hub.Join("#rust", alice, bob);
        hub.Router.Drop(alice.Member);
        time.Advance(TimeSpan.FromDays(6));
        hub.Router.Connect(99, TestHub.Digest(1), TestHub.Key(1), "Alice", new RecordingOutput(d => "i" + (d[0] - 1)));
        hub.ClearAll();

        time.Advance(TimeSpan.FromDays(2));

        bob.Take().ShouldBeEmpty();
        hub.Router.RoomsOf(alice.Member).ShouldBe(["#lobby", "#rust"]);
    }

    [Fact]
    public void A_dropped_link_in_no_room_leaves_the_hub()
    {
        var hub = new TestHub();
        TestHub.Client alice = hub.Connect("Alice");
        alice.Ask(RoomOp.Part, "#lobby");

        hub.Router.Drop(alice.Member);

        alice.Member.Present.ShouldBeFalse();
        hub.Router.Count.ShouldBe(1);
    }

    [Fact]
    public void A_relay_that_reaches_the_queue_after_its_release_goes_to_the_new_output()
    {
        var queue = new AwayQueue();
        queue.SendPresence(1, PresenceKind.Joined, "#x", TestHub.Digest(1), "A", 0, string.Empty); // not kept
        queue.SendWelcomeRelay(new WelcomeRelayRecord(GroupTarget.ForRoom("#x"), TestHub.Digest(1), "A", [1, 2]));
        var output = new RecordingOutput(d => "i" + (d[0] - 1));

        queue.Release(output);
        queue.SendGroupRelay(new GroupRelayRecord(GroupTarget.ForRoom("#x"), TestHub.Digest(1), "A", [3])).ShouldBeTrue();

        output.Take().ShouldBe(["Welcome #x from A(i1)", "GroupRelay #x from A(i1)"]);
        queue.Count.ShouldBe(0);
    }
}
