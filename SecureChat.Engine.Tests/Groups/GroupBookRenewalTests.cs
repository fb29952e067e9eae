using SecureChat.Engine.Groups;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Tests.Groups;

/// <summary>
/// A member's leaf renewal (PROTOCOL.md 4.9, "Its commits"): after 100 texts or 24 hours since its last renewal; a
/// renewal that loses to another commit starts the count of texts again, and any accepted commit of its own renews the
/// leaf (its UpdatePath) and restarts both counts.
/// </summary>
public sealed class GroupBookRenewalTests
{
    [Fact]
    public void A_renewal_that_loses_to_another_members_commit_is_not_started_again_after_every_text()
    {
        using var hub = new HandHub();
        BookMember alice = hub.Connect("alice");
        BookMember bob = hub.Connect("bob");
        BookMember carol = hub.Connect("carol");
        GroupTarget room = HandHub.Room("#room", alice, bob);
        byte[] groupId = bob.Book.StateOf(room).ShouldNotBeNull().GroupId;
        for (int i = 0; i < GroupBook.UpdateAfterMessages; i++)
        {
            bob.Book.SendText(room, $"text {i}");
        }

        bob.TakeOne<GroupCommitRecord>(); // the renewal, which the hub refuses: Alice's commit came first
        HandHub.Enter(carol, "#room", groupId, alice, bob);
        GroupCommitRecord won = HandHub.Task(alice, room, [carol], []).ShouldNotBeNull();
        HandHub.Accept(alice, won, [bob], [carol], 2);
        bob.Book.CommitResult(new CommitResultRecord(room, CommitStatus.Stale, groupId, 2));
        bob.Book.Acknowledged(bob.NextSequence); // the texts of epoch 1 were all delivered
        bob.Book.StatusOf(room).ShouldBe(MemberGroupStatus.Member);
        bob.Take<GroupMessageRecord>().Count.ShouldBe(GroupBook.UpdateAfterMessages);

        for (int i = 0; i < GroupBook.UpdateAfterMessages - 1; i++)
        {
            bob.Book.SendText(room, $"later {i}").ShouldBe(MemberGroupStatus.Member);
        }

        bob.Take<GroupCommitRecord>().ShouldBeEmpty();
        bob.Take<GroupMessageRecord>().Count.ShouldBe(GroupBook.UpdateAfterMessages - 1);
        bob.Book.SendText(room, "the hundredth since the lost renewal");
        bob.TakeOne<GroupCommitRecord>();
    }

    [Fact]
    public void An_accepted_task_commit_renews_the_committers_leaf_and_restarts_its_counts_of_texts_and_time()
    {
        using var hub = new HandHub();
        BookMember alice = hub.Connect("alice");
        BookMember bob = hub.Connect("bob");
        BookMember carol = hub.Connect("carol");
        GroupTarget room = HandHub.Room("#room", alice, bob);
        byte[] groupId = alice.Book.StateOf(room).ShouldNotBeNull().GroupId;
        for (int i = 0; i < GroupBook.UpdateAfterMessages / 2; i++)
        {
            alice.Book.SendText(room, $"text {i}");
        }

        hub.Clock.Advance(GroupBook.UpdateAfter / 2);
        HandHub.Enter(carol, "#room", groupId, alice, bob);
        GroupCommitRecord task = HandHub.Task(alice, room, [carol], []).ShouldNotBeNull();
        HandHub.Accept(alice, task, [bob], [carol], 2);

        for (int i = 0; i < GroupBook.UpdateAfterMessages - 1; i++)
        {
            alice.Book.SendText(room, $"later {i}");
        }

        hub.Clock.Advance((GroupBook.UpdateAfter / 2) + TimeSpan.FromHours(1));
        alice.Book.Tick();
        alice.Take<GroupCommitRecord>().ShouldBeEmpty("the task's commit renewed the leaf 13 hours and 99 texts ago");
        hub.Clock.Advance(GroupBook.UpdateAfter / 2);
        alice.Book.Tick();
        alice.TakeOne<GroupCommitRecord>();
    }
}
