using Microsoft.Extensions.Time.Testing;
using SecureChat.Engine.Hub;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Hub.Groups;

/// <summary>
/// The away queue is bounded per member per room (PROTOCOL.md 4.8, <c>AwayQueueBytes</c>): past it the member is
/// removed from the room as by a part (<c>missed too much</c>) and its queue for the room dropped. Through the router,
/// with real MLS state and recording outputs.
/// </summary>
public sealed class AwayQueueBoundTests(ITestOutputHelper output)
{
    private const int Bound = 2500;
    private static readonly string s_text = new('x', 1000);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private TestHub _hub = null!;

    private (TestHub.Client Client, DsMember Keys) Connect(string name)
    {
        var keys = new DsMember(name);
        TestHub.Client client = _hub.Connect(keys);
        _hub.Router.KeyPackages(client.Member, new KeyPackagesRecord(true, [.. Enumerable.Range(0, 9).Select(_ => keys.NewKeyPackage(_time))]));
        return (client, keys);
    }

    /// <summary>Alice founds #r and adds Bob through the hub's task; then Bob's link drops.</summary>
    private ((TestHub.Client Client, DsMember Keys) Alice, (TestHub.Client Client, DsMember Keys) Bob) FormThenDropBob(bool bobOnlyInRoom = false)
    {
        _hub = new TestHub(new HubSettings { Time = _time, AwayQueueBytes = Bound });
        var alice = Connect("Alice");
        var bob = Connect("Bob");
        if (bobOnlyInRoom)
        {
            bob.Client.Ask(RoomOp.Part, "#lobby");
        }

        alice.Client.Ask(RoomOp.Join, "#r");
        alice.Keys.Found(alice.Client.Output.GroupIds["#r"], _time);
        bob.Client.Ask(RoomOp.Join, "#r");
        GroupTaskRecord task = alice.Client.Output.Last<GroupTaskRecord>();
        var built = alice.Keys.BuildCommit([], [task.Joiners[0].KeyPackage], _time);
        _hub.Router.GroupCommit(alice.Client.Member, new GroupCommitRecord(task.Target, built.Commit, built.Welcome));
        alice.Keys.State = built.Pending.Merge();
        bob.Keys.Join(bob.Client.Output.Last<WelcomeRelayRecord>().Mls, task.Joiners[0].KeyPackage);
        _hub.Router.Drop(bob.Client.Member);
        _hub.ClearAll();
        return (alice, bob);
    }

    private int Say(TestHub.Client from, DsMember keys) =>
        _hub.Router.GroupMessage(from.Member, new GroupMessageRecord(GroupTarget.ForRoom("#r"), keys.Message(s_text)));

    [Fact]
    public void An_away_member_whose_queue_for_a_room_passes_the_bound_is_parted_from_it_and_becomes_a_pending_removal()
    {
        var (alice, bob) = FormThenDropBob();
        var queue = (AwayQueue)bob.Client.Member.Output;
        string bobName = "Bob(i" + (Convert.FromHexString(bob.Keys.Identity)[0] - 1) + ")";

        Say(alice.Client, alice.Keys).ShouldBe(1);
        Say(alice.Client, alice.Keys).ShouldBe(1);
        queue.Count.ShouldBe(2);
        long kept = queue.Bytes;
        kept.ShouldBeLessThanOrEqualTo(Bound);
        alice.Client.Take().ShouldBeEmpty();

        Say(alice.Client, alice.Keys);

        alice.Client.Take().ShouldBe([
            $"Presence Parted #r {bobName} flags=0 'missed too much'",
            $"Task #r epoch=1 removals=[{bobName[4..^1]}] joiners=[]",
        ]);
        queue.Count.ShouldBe(0);
        queue.Bytes.ShouldBe(0);
        _hub.Router.RoomsOf(bob.Client.Member).ShouldBe(["#lobby"]);
        bob.Client.Member.Away.ShouldBeTrue();

        GroupTaskRecord task = alice.Client.Output.Last<GroupTaskRecord>();
        var removal = alice.Keys.BuildCommit([1], [], _time);
        _hub.Router.GroupCommit(alice.Client.Member, new GroupCommitRecord(task.Target, removal.Commit, removal.Welcome));
        alice.Client.Output.Last<CommitResultRecord>().Status.ShouldBe(CommitStatus.Accepted);
        alice.Keys.State = removal.Pending.Merge();
        Say(alice.Client, alice.Keys).ShouldBe(0);
        queue.Count.ShouldBe(0);

        var back = new RecordingOutput(d => "i" + (d[0] - 1));
        _hub.Router.Connect(99, Convert.FromHexString(bob.Keys.Identity), bob.Keys.PublicKey, "Bob", back);
        back.Take().ShouldNotContain(line => line.Contains("#r", StringComparison.Ordinal));
        output.WriteLine($"bound {Bound} bytes: two messages kept ({kept} mls bytes), the third passed it; Bob parted from #r, the queue dropped, removed by Alice's commit at epoch 1");
    }

    [Fact]
    public void An_away_member_parted_from_its_last_room_leaves_the_hub_and_comes_back_as_a_new_member_in_the_lobby()
    {
        var (alice, bob) = FormThenDropBob(bobOnlyInRoom: true);

        for (int i = 0; i < 3; i++)
        {
            Say(alice.Client, alice.Keys);
        }

        bob.Client.Member.Present.ShouldBeFalse();
        _hub.Router.Count.ShouldBe(2);
        var back = new RecordingOutput(d => "i" + (d[0] - 1));
        HubMember fresh = _hub.Router.Connect(99, Convert.FromHexString(bob.Keys.Identity), bob.Keys.PublicKey, "Bob", back);
        fresh.ShouldNotBeSameAs(bob.Client.Member);
        _hub.Router.RoomsOf(fresh).ShouldBe(["#lobby"]);
    }
}
