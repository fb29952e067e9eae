using Microsoft.Extensions.Time.Testing;
using SecureChat.Engine.Hub;
using SecureChat.Engine.Mls.Group;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Hub.Groups;

/// <summary>
/// The router as MLS delivery service (PROTOCOL.md 4.8), without sockets: members with real identity keys publish key
/// packages, enter a room, carry out the GroupTasks they get with real commits, and exchange PrivateMessages.
/// </summary>
public sealed class HubGroupsTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly TestHub _hub;

    public HubGroupsTests() => _hub = new TestHub(new HubSettings { Time = _time });

    private (TestHub.Client Client, DsMember Keys) Connect(string name, int oneTime = 8)
    {
        var keys = new DsMember(name);
        TestHub.Client client = _hub.Connect(keys);
        Publish(client, keys, oneTime);
        return (client, keys);
    }

    private void Publish(TestHub.Client client, DsMember keys, int oneTime) =>
        _hub.Router.KeyPackages(client.Member, new KeyPackagesRecord(true, [.. Enumerable.Range(0, oneTime + 1).Select(_ => keys.NewKeyPackage(_time))]));

    /// <summary>The member carries out the last task it got: commits, and applies its commit once accepted.</summary>
    private (byte[] Commit, byte[] Welcome) CarryOut(TestHub.Client client, DsMember keys)
    {
        GroupTaskRecord task = client.Output.Last<GroupTaskRecord>();
        List<uint> removals = [.. task.Removals.Select(d => (uint)Enumerable.Range(0, (int)keys.State!.Tree.LeafCount)
            .First(i => keys.State.Tree.GetLeaf((uint)i) is { } leaf && System.Security.Cryptography.SHA256.HashData(leaf.Credential.Identity).AsSpan().SequenceEqual(d)))];
        var built = keys.BuildCommit(removals, [.. task.Joiners.Select(j => j.KeyPackage)], _time);
        _hub.Router.GroupCommit(client.Member, new GroupCommitRecord(task.Target, built.Commit, built.Welcome));
        if (client.Output.Last<CommitResultRecord>().Status == CommitStatus.Accepted)
        {
            keys.State = built.Pending.Merge();
        }

        return (built.Commit, built.Welcome);
    }

    [Fact]
    public void Three_members_form_a_room_group_through_the_hub_s_tasks_and_exchange_a_private_message()
    {
        var (alice, aliceKeys) = Connect("Alice");
        var (bob, bobKeys) = Connect("Bob");
        var (carol, carolKeys) = Connect("Carol");
        _hub.ClearAll();

        alice.Ask(RoomOp.Join, "#r");
        alice.Take().ShouldBe(["Info Entered #r flags=2 members=1 '' founder"]);
        aliceKeys.Found(alice.Output.GroupIds["#r"], _time);
        bob.Ask(RoomOp.Join, "#r");
        alice.Take().ShouldBe(["Presence Joined #r Bob(" + Whose(bobKeys) + ") flags=0 ''", "Task #r epoch=0 removals=[] joiners=[Bob]"]);
        CarryOut(alice, aliceKeys);
        alice.Take().ShouldBe(["Result #r Accepted epoch=1"]);
        bob.Take().Last().ShouldStartWith("Welcome #r from Alice");
        bobKeys.Join(bob.Output.Last<WelcomeRelayRecord>().Mls, alice.Output.Last<GroupTaskRecord>().Joiners[0].KeyPackage);
        carol.Ask(RoomOp.Join, "#r");
        (byte[] commit, _) = CarryOut(alice, aliceKeys);
        bob.Output.Last<CommitRelayRecord>().Mls.ShouldBe(commit);
        bobKeys.Process(commit, _time);
        carolKeys.Join(carol.Output.Last<WelcomeRelayRecord>().Mls, alice.Output.Last<GroupTaskRecord>().Joiners[0].KeyPackage);
        _hub.ClearAll();

        int sealedFor = _hub.Router.GroupMessage(bob.Member, new GroupMessageRecord(GroupTarget.ForRoom("#r"), bobKeys.Message("hello, both")));

        sealedFor.ShouldBe(2);
        bob.Take().ShouldBeEmpty();
        foreach ((TestHub.Client client, DsMember keys) in new[] { (alice, aliceKeys), (carol, carolKeys) })
        {
            GroupRelayRecord relay = client.Output.Last<GroupRelayRecord>();
            relay.Name.ShouldBe("Bob");
            ApplicationMessages.TryUnprotect(keys.State!, MlsMessage.Decode(relay.Mls), out byte[]? text, out _, out string failure).ShouldBeTrue(failure);
            System.Text.Encoding.UTF8.GetString(text!).ShouldBe("hello, both");
        }
    }

    [Fact]
    public void A_group_message_from_a_non_member_is_refused_and_reaches_nobody()
    {
        var (alice, aliceKeys) = Connect("Alice");
        var (mallory, malloryKeys) = Connect("Mallory");
        alice.Ask(RoomOp.Join, "#r");
        aliceKeys.Found(alice.Output.GroupIds["#r"], _time);
        malloryKeys.Found(alice.Output.GroupIds["#r"], _time);
        _hub.ClearAll();

        int sealedFor = _hub.Router.GroupMessage(mallory.Member, new GroupMessageRecord(GroupTarget.ForRoom("#r"), malloryKeys.Message("let me in")));

        sealedFor.ShouldBe(0);
        mallory.Take().ShouldBe(["Reply NotMember GroupMessage #r (-)"]);
        alice.Take().ShouldBeEmpty();
        _hub.OperatorOutput.Take().ShouldBeEmpty();
    }

    [Fact]
    public void A_muted_member_s_group_message_reaches_nobody_and_is_answered_muted_until_unmuted()
    {
        var (alice, aliceKeys) = Connect("Alice");
        var (bob, bobKeys) = Connect("Bob");
        alice.Ask(RoomOp.Join, "#r");
        aliceKeys.Found(alice.Output.GroupIds["#r"], _time);
        bob.Ask(RoomOp.Join, "#r");
        CarryOut(alice, aliceKeys);
        bobKeys.Join(bob.Output.Last<WelcomeRelayRecord>().Mls, alice.Output.Last<GroupTaskRecord>().Joiners[0].KeyPackage);
        alice.Ask(RoomOp.Mute, "#r", "Bob");
        _hub.ClearAll();

        _hub.Router.GroupMessage(bob.Member, new GroupMessageRecord(GroupTarget.ForRoom("#r"), bobKeys.Message("shout"))).ShouldBe(0);
        bob.Take().ShouldBe(["Reply Muted GroupMessage #r (-)"]);
        alice.Take().ShouldBeEmpty();

        alice.Ask(RoomOp.Unmute, "#r", "Bob");
        _hub.ClearAll();
        _hub.Router.GroupMessage(bob.Member, new GroupMessageRecord(GroupTarget.ForRoom("#r"), bobKeys.Message("thanks"))).ShouldBe(1);
        bob.Take().ShouldBeEmpty();
        GroupRelayRecord relay = alice.Output.Last<GroupRelayRecord>();
        ApplicationMessages.TryUnprotect(aliceKeys.State!, MlsMessage.Decode(relay.Mls), out byte[]? text, out _, out string failure).ShouldBeTrue(failure);
        System.Text.Encoding.UTF8.GetString(text!).ShouldBe("thanks");
    }

    [Fact]
    public void A_group_message_that_is_not_an_application_private_message_ends_the_session()
    {
        var (alice, aliceKeys) = Connect("Alice");
        alice.Ask(RoomOp.Join, "#r");
        aliceKeys.Found(alice.Output.GroupIds["#r"], _time);

        _hub.Router.GroupMessage(alice.Member, new GroupMessageRecord(GroupTarget.ForRoom("#r"), aliceKeys.NewKeyPackage(_time))).ShouldBe(-1);
    }

    [Fact]
    public void A_bad_key_package_is_answered_and_the_others_of_the_record_are_kept()
    {
        var keys = new DsMember("Alice");
        var other = new DsMember("Other");
        TestHub.Client alice = _hub.Connect(keys);
        alice.Ask(RoomOp.Part, "#lobby"); // no group waits for a key package of hers
        var (bob, _) = Connect("Bob");
        _hub.ClearAll();

        _hub.Router.KeyPackages(alice.Member, new KeyPackagesRecord(false, [keys.NewKeyPackage(_time), other.NewKeyPackage(_time), keys.NewKeyPackage(_time)]));

        alice.Take().ShouldBe(["Reply BadKeyPackage KeyPackages  (-)"]);
        bob.Ask(RoomOp.KeyPackage, "", "Alice");
        bob.Take().Last().ShouldStartWith("KeyPackage Alice(");
        alice.Take().ShouldBe(["Reply FewKeyPackages KeyPackages  (-) 1"]);
        bob.Ask(RoomOp.KeyPackage, "", "Alice");
        bob.Take().Last().ShouldStartWith("KeyPackage Alice(");
        alice.Take().ShouldBeEmpty();
        bob.Ask(RoomOp.KeyPackage, "", "Alice");
        bob.Take().Last().ShouldBe("Reply NoKeyPackage KeyPackage  Alice(" + Whose(keys) + ")");
    }

    [Fact]
    public void A_key_package_request_for_an_unknown_person_is_answered()
    {
        var (bob, _) = Connect("Bob");
        _hub.ClearAll();

        bob.Ask(RoomOp.KeyPackage, "", "Nobody");
        bob.Ask(RoomOp.KeyPackage, "", "", new string('a', 64));

        bob.Take().ShouldBe(["Reply NoSuchName KeyPackage  Nobody(-)", "Reply NotConnected KeyPackage  (i169)"]);
    }

    private static string Whose(DsMember keys) => "i" + (Convert.FromHexString(keys.Identity)[0] - 1);
}
