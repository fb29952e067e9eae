using SecureChat.Engine.Hub.Groups;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Tests.Hub.Groups;

/// <summary>Who the hub tasks to commit, and when it passes the task on (PROTOCOL.md 4.8); on a fake clock.</summary>
public sealed class DesignationTests
{
    private readonly DeliveryHarness _hub = new();

    private static GroupKey Room => GroupKey.ForRoom("#r");

    [Fact]
    public void The_member_longest_in_the_group_is_tasked_and_after_the_timeout_the_next_one()
    {
        DsMember alice = _hub.Member("Alice"), bob = _hub.Member("Bob"), carol = _hub.Member("Carol"), dave = _hub.Member("Dave");
        _hub.Form("#r", alice, bob, carol);

        _hub.Service.EnterRoom("#r", dave.Identity);
        _hub.Output.Take().ShouldBe(["Task Alice epoch=2 removals=[] joiners=[Dave]"]);
        _hub.Time.Advance(TimeSpan.FromSeconds(9.9));
        _hub.Output.Take().ShouldBeEmpty();
        _hub.Time.Advance(TimeSpan.FromSeconds(0.1));
        _hub.Output.Take().ShouldBe(["Task Bob epoch=2 removals=[] joiners=[Dave]"]);
        _hub.Time.Advance(TimeSpan.FromSeconds(10));
        _hub.Output.Take().ShouldBe(["Task Carol epoch=2 removals=[] joiners=[Dave]"]);
        _hub.Time.Advance(TimeSpan.FromSeconds(10));
        _hub.Output.Take().ShouldBe(["Task Alice epoch=2 removals=[] joiners=[Dave]"]);
    }

    [Fact]
    public void An_accepted_commit_ends_the_task_and_its_timer()
    {
        DsMember alice = _hub.Member("Alice"), bob = _hub.Member("Bob");
        _hub.Form("#r", alice);
        _hub.Service.EnterRoom("#r", bob.Identity);
        _hub.CarryOutTask("#r");
        _hub.Output.Take();

        _hub.Time.Advance(TimeSpan.FromSeconds(30));

        _hub.Output.Take().ShouldBeEmpty();
        _hub.Service.Find(Room)!.Task.ShouldBeNull();
    }

    [Fact]
    public void When_the_designated_member_drops_the_next_connected_member_is_tasked_at_once()
    {
        DsMember alice = _hub.Member("Alice"), bob = _hub.Member("Bob"), carol = _hub.Member("Carol");
        _hub.Form("#r", alice, bob);

        _hub.Service.EnterRoom("#r", carol.Identity);
        _hub.Service.LinkDown(alice.Identity);

        _hub.Output.Take().ShouldBe(["Task Alice epoch=1 removals=[] joiners=[Carol]", "Task Bob epoch=1 removals=[] joiners=[Carol]"]);
        _hub.CarryOutTask("#r").Status.ShouldBe(CommitStatus.Accepted);
    }

    [Fact]
    public void A_group_with_no_connected_member_waits_for_one_to_come_back()
    {
        DsMember alice = _hub.Member("Alice"), bob = _hub.Member("Bob");
        _hub.Form("#r", alice);
        _hub.Service.LinkDown(alice.Identity);

        _hub.Service.EnterRoom("#r", bob.Identity);
        _hub.Output.Take().ShouldBeEmpty();
        _hub.Service.LinkUp(alice.Identity);

        _hub.Output.Take().ShouldBe(["Task Alice epoch=0 removals=[] joiners=[Bob]"]);
    }

    [Fact]
    public void Joiners_that_came_during_a_task_are_in_the_next_task()
    {
        DsMember alice = _hub.Member("Alice"), bob = _hub.Member("Bob"), carol = _hub.Member("Carol");
        _hub.Form("#r", alice);
        _hub.Service.EnterRoom("#r", bob.Identity);
        _hub.Service.EnterRoom("#r", carol.Identity);
        _hub.Output.Take().ShouldBe(["Task Alice epoch=0 removals=[] joiners=[Bob]"]);

        _hub.CarryOutTask("#r");

        _hub.Output.Take().ShouldBe(["Result Alice Accepted epoch=1", "Welcome Bob from Alice", "Task Alice epoch=1 removals=[] joiners=[Carol]"]);
    }

    [Fact]
    public void A_joiner_without_key_packages_waits_until_it_publishes_one()
    {
        DsMember alice = _hub.Member("Alice"), bob = _hub.Member("Bob", oneTime: 0);
        _hub.Form("#r", alice);
        _hub.Service.EnterRoom("#r", bob.Identity);
        _hub.CarryOutTask("#r");
        _hub.Output.Take();
        DsMember carol = _hub.Member("Carol", oneTime: 0, lastResort: false);

        _hub.Service.EnterRoom("#r", carol.Identity);
        _hub.Output.Take().ShouldBeEmpty();
        _hub.Publish(carol, 1, lastResort: false);

        _hub.Output.Take().ShouldBe(["Few Carol 0", "Task Alice epoch=1 removals=[] joiners=[Carol]"]);
    }

    [Fact]
    public void A_task_names_at_most_255_joiners_and_the_rest_wait_for_the_next()
    {
        DsMember alice = _hub.Member("Alice");
        _hub.Form("#r", alice);
        _hub.Service.LinkDown(alice.Identity);
        for (int i = 0; i < 256; i++)
        {
            DsMember joiner = _hub.Member($"J{i}", oneTime: 0);
            _hub.Service.EnterRoom("#r", joiner.Identity);
        }

        _hub.Service.LinkUp(alice.Identity);

        GroupTask task = _hub.Output.LastTask!;
        task.Joiners.Count.ShouldBe(255);
        var commit = alice.BuildCommit([], [.. task.Joiners.Select(j => j.KeyPackage!.Message)], _hub.Time);
        _hub.Service.Commit(Room, alice.Identity, commit.Commit, commit.Welcome).Status.ShouldBe(CommitStatus.Accepted);
        _hub.Output.LastTask!.Joiners.Select(j => j.Identity).ShouldBe([_hub.Service.Find(Room)!.Joiners[0].Identity]);
        _hub.Service.Find(Room)!.Roster.MemberCount.ShouldBe(256);
    }

    [Fact]
    public void A_task_names_at_most_500_removals()
    {
        var hub = new DeliveryHarness(new DeliveryOptions { TaskRemovalsMax = 3 });
        DsMember alice = hub.Member("Alice");
        DsMember[] others = [.. Enumerable.Range(0, 4).Select(i => hub.Member($"M{i}"))];
        hub.Form("#r", [alice, .. others]);
        hub.Service.LinkDown(alice.Identity);
        foreach (DsMember other in others)
        {
            hub.Service.LeaveRoom("#r", other.Identity);
        }

        hub.Service.LinkUp(alice.Identity);

        hub.Output.LastTask!.Removals.Count.ShouldBe(3);
        new DeliveryOptions().TaskRemovalsMax.ShouldBe(500);
        new DeliveryOptions().TaskJoinersMax.ShouldBe(255);
    }

    [Fact]
    public void When_every_member_was_removed_while_joiners_wait_the_first_joiner_founds_a_new_group()
    {
        DsMember alice = _hub.Member("Alice"), bob = _hub.Member("Bob"), carol = _hub.Member("Carol");
        DeliveryGroup group = _hub.Form("#r", alice);
        byte[] old = group.GroupId;
        _hub.Service.LinkDown(alice.Identity);
        _hub.Service.EnterRoom("#r", bob.Identity);
        _hub.Service.EnterRoom("#r", carol.Identity);

        _hub.Service.LeaveRoom("#r", alice.Identity);

        _hub.Output.Take().ShouldBe(["Founded Bob #r", "Task Bob epoch=0 removals=[] joiners=[Carol]"]);
        group.GroupId.ShouldNotBe(old);
        group.Roster.Leaves.ShouldBe([bob.Identity]);
        bob.Found(group.GroupId, _hub.Time);
        _hub.CarryOutTask("#r").Status.ShouldBe(CommitStatus.Accepted);
        DeliveryHarness.TreeIdentities(carol).ShouldBe(group.Roster.Leaves);
    }

    [Fact]
    public void A_removal_is_committed_and_the_roster_truncated_like_the_members_trees()
    {
        DsMember alice = _hub.Member("Alice"), bob = _hub.Member("Bob"), carol = _hub.Member("Carol");
        DeliveryGroup group = _hub.Form("#r", alice, bob, carol);

        _hub.Service.LeaveRoom("#r", carol.Identity);
        _hub.Output.Take().ShouldBe(["Task Alice epoch=2 removals=[Carol] joiners=[]"]);
        _hub.CarryOutTask("#r");

        _hub.Output.Take().ShouldBe(["Result Alice Accepted epoch=3", "CommitRelay Bob from Alice", "CommitRelay Carol from Alice"]);
        group.Roster.Leaves.ShouldBe([alice.Identity, bob.Identity]);
        DeliveryHarness.TreeIdentities(bob).ShouldBe(group.Roster.Leaves);
    }

    [Fact]
    public void Resync_removes_the_old_leaf_and_adds_the_member_again_in_one_task()
    {
        DsMember alice = _hub.Member("Alice"), bob = _hub.Member("Bob");
        DeliveryGroup group = _hub.Form("#r", alice, bob);

        _hub.Service.Resync(Room, bob.Identity).ShouldBeTrue();

        _hub.Output.Take().ShouldBe(["Task Alice epoch=1 removals=[Bob] joiners=[Bob]"]);
        _hub.CarryOutTask("#r").Status.ShouldBe(CommitStatus.Accepted);
        _hub.Output.Take().ShouldBe(["Result Alice Accepted epoch=2", "CommitRelay Bob from Alice", "Welcome Bob from Alice"]);
        group.Roster.Leaves.ShouldBe([alice.Identity, bob.Identity]);
        DeliveryHarness.TreeIdentities(bob).ShouldBe(group.Roster.Leaves);
    }
}
