using SecureChat.Engine.Hub;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Hub;

/// <summary>Connecting, leaving, renaming, room chat and direct messages through <see cref="HubRouter"/> (PROTOCOL.md 4.2).</summary>
public sealed class HubRouterTests
{
    [Fact]
    public void A_new_member_hears_its_name_then_enters_the_lobby_with_its_members_and_the_others_hear_it_joined()
    {
        var hub = new TestHub();
        TestHub.Client alice = hub.Connect("Alice");
        TestHub.Client bob = hub.Connect("Bob", clear: false);

        bob.Take().ShouldBe([
            "Presence You Bob(i2) flags=0 ''",
            "Info Entered #lobby flags=0 members=3 ''",
            "Presence Member #lobby Op(i0) flags=1 ''",
            "Presence Member #lobby Alice(i1) flags=0 ''",
        ]);
        alice.Take().ShouldBe(["Presence Joined #lobby Bob(i2) flags=0 ''"]);
        hub.OperatorOutput.Take().ShouldBe(["Presence Joined #lobby Bob(i2) flags=0 ''"]);
        hub.Router.RoomsOf(bob.Member).ShouldBe(["#lobby"]);
    }

    [Fact]
    public void A_name_that_looks_like_a_member_s_gets_a_suffix()
    {
        var hub = new TestHub();
        hub.Connect("Alice");
        TestHub.Client second = hub.Connect("ALICE", clear: false);

        second.Take()[0].ShouldBe("Presence You ALICE-2(i2) flags=0 ''");
        hub.Connect("op", clear: false).Take()[0].ShouldStartWith("Presence You op-2(");
    }

    [Fact]
    public void A_member_who_leaves_is_announced_once_to_each_member_sharing_any_of_its_rooms_and_to_nobody_else()
    {
        var hub = new TestHub();
        var (alice, bob, carol) = hub.Connect("Alice", "Bob", "Carol");
        hub.Join("#rust", alice, bob);
        alice.Ask(RoomOp.Part, "#lobby");
        bob.Ask(RoomOp.Part, "#lobby");
        hub.ClearAll();

        hub.Router.Quit(alice.Member);

        bob.Take().ShouldBe(["Presence Left Alice(i1) flags=0 ''", "Info Entered #rust flags=0 members=1 '' founder"]); // Bob waited to be added to Alice's group: he founds it anew
        carol.Take().ShouldBeEmpty();
        hub.OperatorOutput.Take().ShouldBeEmpty();
        hub.Router.Quit(alice.Member); // twice is once
        bob.Take().ShouldBeEmpty();
    }

    [Fact]
    public void A_rename_answers_the_renamer_and_tells_each_sharing_member_once()
    {
        var hub = new TestHub();
        var (alice, bob, carol) = hub.Connect("Alice", "Bob", "Carol");
        hub.Join("#rust", alice, bob);
        carol.Ask(RoomOp.Part, "#lobby");
        hub.ClearAll();

        hub.Router.Rename(alice.Member, "Alicia");

        alice.Take().ShouldBe(["Presence You Alicia(i1) flags=0 ''"]);
        bob.Take().ShouldBe(["Presence Renamed Alice(i1) flags=0 'Alicia'"]);
        carol.Take().ShouldBeEmpty();
        hub.OperatorOutput.Take().ShouldBe(["Presence Renamed Alice(i1) flags=0 'Alicia'"]);

        hub.Router.RefuseRename(alice.Member);
        alice.Take().ShouldBe(["Presence Refused Alicia(i1) flags=0 ''"]);
    }

    [Fact]
    public void The_operator_s_rename_is_refused_when_a_member_looks_like_it_and_told_to_sharers_otherwise()
    {
        var hub = new TestHub();
        TestHub.Client alice = hub.Connect("Alice");

        hub.Router.TryRenameOperator("alice", out string holder).ShouldBeFalse();
        holder.ShouldBe("Alice");
        hub.Router.TryRenameOperator("Boss", out _).ShouldBeTrue();

        alice.Take().ShouldBe(["Presence Renamed Op(i0) flags=0 'Boss'"]);
        hub.OperatorOutput.Take().ShouldBe(["Presence You Boss(i0) flags=0 ''"]);
        hub.Router.Holder("BOSS").ShouldBe("Boss");
    }

    [Fact]
    public void Members_entering_the_same_room_at_once_each_hear_of_every_other_exactly_once()
    {
        var hub = new TestHub();
        TestHub.Client[] clients = [.. Enumerable.Range(0, 24).Select(i => hub.Connect("C" + i))];
        hub.ClearAll();

        Parallel.ForEach(clients, c => c.Ask(RoomOp.Join, "#busy"));

        foreach (TestHub.Client client in clients)
        {
            var heard = client.Take().Where(l => l.Contains(" #busy ", StringComparison.Ordinal) && l.StartsWith("Presence", StringComparison.Ordinal))
                .Select(l => l.Split(' ')[3]).ToList();
            heard.Count.ShouldBe(23);
            heard.Distinct().Count().ShouldBe(23);
            heard.ShouldNotContain(client.Member.Name + "(" + client.Member.Identity + ")");
        }
    }

    [Fact]
    public void A_connected_identity_is_found_by_its_fingerprint_and_a_gone_one_is_not()
    {
        var hub = new TestHub();
        TestHub.Client alice = hub.Connect("Alice");
        string fingerprint = Engine.Crypto.IdentityFingerprint.FromDigest(alice.Member.Digest);

        hub.Router.FindIdentity(fingerprint).ShouldBe(alice.Member.Digest);
        hub.Router.FindIdentity(fingerprint.ToLowerInvariant()).ShouldBe(alice.Member.Digest);
        hub.Router.FindIdentity("0000").ShouldBeNull();
        hub.Router.Rename(alice.Member, "Al").ShouldBe("Al");
        hub.Router.NameOf(alice.Member).ShouldBe("Al");
        hub.Router.Quit(alice.Member);
        hub.Router.FindIdentity(fingerprint).ShouldBeNull();
    }
}
