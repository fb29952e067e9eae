using Microsoft.Extensions.Time.Testing;
using SecureChat.Engine.Hub;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Hub.Groups;

/// <summary>
/// Designation passes over away members (PROTOCOL.md 4.8): a task goes to the connected member longest in the group,
/// and after <c>TaskTimeout</c> to the next connected one. Through the router, with real MLS state, on a fake clock.
/// </summary>
public sealed class AwayDesignationTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly TestHub _hub;

    public AwayDesignationTests() => _hub = new TestHub(new HubSettings { Time = _time, TaskTimeout = TimeSpan.FromSeconds(10) });

    private (TestHub.Client Client, DsMember Keys) Connect(string name)
    {
        var keys = new DsMember(name);
        TestHub.Client client = _hub.Connect(keys);
        _hub.Router.KeyPackages(client.Member, new KeyPackagesRecord(true, [.. Enumerable.Range(0, 9).Select(_ => keys.NewKeyPackage(_time))]));
        return (client, keys);
    }

    /// <summary>The founder adds the joiner its last task names; the joiner joins from the Welcome; the others process the commit.</summary>
    private void Add(TestHub.Client founder, DsMember founderKeys, TestHub.Client joiner, DsMember joinerKeys, params DsMember[] others)
    {
        joiner.Ask(RoomOp.Join, "#r");
        GroupTaskRecord task = founder.Output.Last<GroupTaskRecord>();
        var built = founderKeys.BuildCommit([], [task.Joiners[0].KeyPackage], _time);
        _hub.Router.GroupCommit(founder.Member, new GroupCommitRecord(task.Target, built.Commit, built.Welcome));
        founder.Output.Last<CommitResultRecord>().Status.ShouldBe(CommitStatus.Accepted);
        founderKeys.State = built.Pending.Merge();
        joinerKeys.Join(joiner.Output.Last<WelcomeRelayRecord>().Mls, task.Joiners[0].KeyPackage);
        foreach (DsMember other in others)
        {
            other.Process(built.Commit, _time);
        }
    }

    [Fact]
    public void A_task_skips_the_away_member_longest_in_the_group_and_passes_on_among_the_connected_ones()
    {
        var (alice, aliceKeys) = Connect("Alice");
        var (bob, bobKeys) = Connect("Bob");
        var (carol, carolKeys) = Connect("Carol");
        var (dave, _) = Connect("Dave");
        alice.Ask(RoomOp.Join, "#r");
        aliceKeys.Found(alice.Output.GroupIds["#r"], _time);
        Add(alice, aliceKeys, bob, bobKeys);
        Add(alice, aliceKeys, carol, carolKeys, bobKeys);
        _hub.Router.Drop(alice.Member);
        _hub.ClearAll();

        dave.Ask(RoomOp.Join, "#r");

        alice.Take().ShouldBeEmpty();
        bob.Take().Where(l => l.StartsWith("Task", StringComparison.Ordinal)).ShouldBe(["Task #r epoch=2 removals=[] joiners=[Dave]"]);
        carol.Take().Where(l => l.StartsWith("Task", StringComparison.Ordinal)).ShouldBeEmpty();
        _time.Advance(TimeSpan.FromSeconds(10));
        carol.Take().ShouldBe(["Task #r epoch=2 removals=[] joiners=[Dave]"]);
        ((AwayQueue)alice.Member.Output).Count.ShouldBe(0);
        _time.Advance(TimeSpan.FromSeconds(10));
        bob.Take().ShouldBe(["Task #r epoch=2 removals=[] joiners=[Dave]"]);
        alice.Take().ShouldBeEmpty();

        _hub.Router.Drop(bob.Member);
        carol.Take().Where(l => l.StartsWith("Task", StringComparison.Ordinal)).ShouldBe(["Task #r epoch=2 removals=[] joiners=[Dave]"]); // the tasked member's drop passes the task on at once

        GroupTaskRecord task = carol.Output.Last<GroupTaskRecord>();
        var built = carolKeys.BuildCommit([], [task.Joiners[0].KeyPackage], _time);
        _hub.Router.GroupCommit(carol.Member, new GroupCommitRecord(task.Target, built.Commit, built.Welcome));
        carol.Output.Last<CommitResultRecord>().Status.ShouldBe(CommitStatus.Accepted);
        ((AwayQueue)alice.Member.Output).Count.ShouldBe(1); // the commit waits for the away members
        ((AwayQueue)bob.Member.Output).Count.ShouldBe(1);
    }
}
