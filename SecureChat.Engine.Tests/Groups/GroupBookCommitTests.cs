using SecureChat.Engine.Groups;
using SecureChat.Engine.Mls.Group;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Tests.Groups;

/// <summary>
/// Commits between books (PROTOCOL.md 4.9): the first valid one for an epoch wins and the loser processes it,
/// holding while someone who left is in the tree, a fork asks for a resync, a stale message is sent again, and a
/// member renews its leaf after 100 texts or 24 hours.
/// </summary>
public sealed class GroupBookCommitTests(ITestOutputHelper output)
{
    [Fact]
    public void A_commit_that_lost_its_epoch_is_discarded_the_winner_is_processed_and_the_held_text_goes_out_in_the_new_epoch()
    {
        using var hub = new HandHub();
        BookMember alice = hub.Connect("alice");
        BookMember bob = hub.Connect("bob");
        BookMember carol = hub.Connect("carol");
        GroupTarget room = HandHub.Room("#room", alice, bob);
        HandHub.Enter(carol, "#room", alice.Book.StateOf(room)!.GroupId, alice, bob);
        byte[] carolsKeyPackage = carol.KeyPackagesAtHub.Peek();

        GroupCommitRecord fromBob = HandHub.Task(bob, room, [carol], []).ShouldNotBeNull();
        carol.KeyPackagesAtHub.Enqueue(carolsKeyPackage);
        GroupCommitRecord fromAlice = HandHub.Task(alice, room, [carol], []).ShouldNotBeNull();
        alice.Book.SendText(room, "queued behind the commit");

        // The hub took Alice's first: Bob gets the relay before his stale result.
        HandHub.Accept(alice, fromAlice, [bob], [carol], 2);
        bob.Book.CommitResult(new CommitResultRecord(room, CommitStatus.Stale, HandHub.GroupIdOf(fromBob), 2));

        bob.Book.StatusOf(room).ShouldBe(MemberGroupStatus.Member);
        bob.Book.StateOf(room)!.Epoch.ShouldBe(2UL);
        bob.NoticesOf(GroupNoticeKind.MemberAdded).ShouldHaveSingleItem().Actor.ShouldBe(alice.Digest);
        GroupMessageRecord message = alice.TakeOne<GroupMessageRecord>();
        HandHub.Relay(alice, message, bob, carol);
        bob.Texts.ShouldHaveSingleItem().Text.ShouldBe("queued behind the commit");
        carol.Texts.ShouldHaveSingleItem().Text.ShouldBe("queued behind the commit");
    }

    [Fact]
    public void Texts_are_held_while_someone_who_left_is_in_the_tree_and_go_out_once_a_commit_removes_them()
    {
        using var hub = new HandHub();
        BookMember alice = hub.Connect("alice");
        BookMember bob = hub.Connect("bob");
        BookMember carol = hub.Connect("carol");
        GroupTarget room = HandHub.Room("#room", alice, bob, carol);

        alice.Book.PersonLeftRoom("#room", carol.Digest);
        alice.Book.StatusOf(room).ShouldBe(MemberGroupStatus.Holding);
        alice.NoticesOf(GroupNoticeKind.Holding).ShouldHaveSingleItem();
        alice.Book.SendText(room, "not for carol").ShouldBe(MemberGroupStatus.Holding);
        alice.Take<GroupMessageRecord>().ShouldBeEmpty();

        // A commit that does not remove carol releases nothing.
        GroupCommitRecord update = SelfUpdate(hub, bob);
        HandHub.Accept(bob, update, [alice, carol], [], 2);
        alice.Book.StatusOf(room).ShouldBe(MemberGroupStatus.Holding);
        alice.Take<GroupMessageRecord>().ShouldBeEmpty();

        GroupCommitRecord remove = HandHub.Task(bob, room, [], [carol]).ShouldNotBeNull();
        HandHub.Accept(bob, remove, [alice, carol], [], 3);
        alice.Book.StatusOf(room).ShouldBe(MemberGroupStatus.Member);
        alice.NoticesOf(GroupNoticeKind.Released).ShouldHaveSingleItem();
        alice.NoticesOf(GroupNoticeKind.MemberRemoved).ShouldHaveSingleItem().Subject.ShouldBe(carol.Digest);
        GroupMessageRecord message = alice.TakeOne<GroupMessageRecord>();
        HandHub.Relay(alice, message, bob, carol);
        bob.Texts.ShouldHaveSingleItem().Text.ShouldBe("not for carol");
        carol.Texts.ShouldBeEmpty();
    }

    [Fact]
    public void Someone_not_in_the_tree_leaving_holds_nothing_and_presence_left_holds_every_room_they_are_in()
    {
        using var hub = new HandHub();
        BookMember alice = hub.Connect("alice");
        BookMember bob = hub.Connect("bob");
        BookMember stranger = hub.Connect("stranger");
        GroupTarget one = HandHub.Room("#one", alice, bob);
        GroupTarget two = HandHub.Room("#two", alice, bob);

        alice.Book.PersonLeftRoom("#one", stranger.Digest);
        alice.Book.StatusOf(one).ShouldBe(MemberGroupStatus.Member);

        alice.Book.PersonLeft(bob.Digest);
        alice.Book.StatusOf(one).ShouldBe(MemberGroupStatus.Holding);
        alice.Book.StatusOf(two).ShouldBe(MemberGroupStatus.Holding);
    }

    [Fact]
    public void A_commit_ahead_of_this_members_epoch_is_a_fork_the_state_is_dropped_and_a_resync_asked_for_and_queued_texts_survive()
    {
        using var hub = new HandHub();
        BookMember alice = hub.Connect("alice");
        BookMember bob = hub.Connect("bob");
        BookMember carol = hub.Connect("carol");
        GroupTarget room = HandHub.Room("#room", alice, bob, carol);

        GroupCommitRecord first = SelfUpdate(hub, bob);
        HandHub.Accept(bob, first, [carol], [], 2);
        GroupCommitRecord second = SelfUpdate(hub, bob);
        bob.Book.CommitResult(new CommitResultRecord(room, CommitStatus.Accepted, HandHub.GroupIdOf(second), 3));
        carol.Book.CommitRelay(new CommitRelayRecord(room, bob.Digest, bob.Name, second.Commit));
        alice.Book.CommitRelay(new CommitRelayRecord(room, bob.Digest, bob.Name, second.Commit));

        string fork = alice.NoticesOf(GroupNoticeKind.Forked).ShouldHaveSingleItem().Text;
        output.WriteLine(fork);
        alice.Book.StateOf(room).ShouldBeNull();
        alice.Book.StatusOf(room).ShouldBe(MemberGroupStatus.AwaitingWelcome);
        alice.Sent.OfType<(string Op, GroupTarget Target)>().ShouldContain(request => request.Op == "resync" && request.Target == room);

        alice.Book.SendText(room, "kept through the resync").ShouldBe(MemberGroupStatus.AwaitingWelcome);
        GroupCommitRecord readd = HandHub.Task(bob, room, [alice], [alice]).ShouldNotBeNull();
        HandHub.Accept(bob, readd, [carol], [alice], 4);
        alice.Book.StatusOf(room).ShouldBe(MemberGroupStatus.Member);
        alice.NoticesOf(GroupNoticeKind.Joined).Last().Text.ShouldContain("could not be read");
        HandHub.Relay(alice, alice.TakeOne<GroupMessageRecord>(), bob, carol);
        bob.Texts.ShouldHaveSingleItem().Text.ShouldBe("kept through the resync");
        carol.Texts.ShouldHaveSingleItem().Text.ShouldBe("kept through the resync");
    }

    [Fact]
    public void A_commit_at_this_epoch_that_does_not_verify_is_a_fork_too_as_the_hub_moved_the_group_past_it()
    {
        using var hub = new HandHub();
        BookMember alice = hub.Connect("alice");
        BookMember bob = hub.Connect("bob");
        GroupTarget room = HandHub.Room("#room", alice, bob);
        GroupCommitRecord update = SelfUpdate(hub, bob);
        byte[] altered = update.Commit.ToArray();
        altered[^40] ^= 1;

        alice.Book.CommitRelay(new CommitRelayRecord(room, bob.Digest, bob.Name, altered));

        alice.NoticesOf(GroupNoticeKind.Forked).ShouldHaveSingleItem();
        alice.Book.StateOf(room).ShouldBeNull();
        output.WriteLine(alice.Notices.Last().Text);
    }

    [Fact]
    public void A_text_the_hub_answers_stale_epoch_is_encrypted_again_and_resent_once_the_ack_covers_it_and_an_accepted_one_is_not()
    {
        using var hub = new HandHub();
        BookMember alice = hub.Connect("alice");
        BookMember bob = hub.Connect("bob");
        GroupTarget room = HandHub.Room("#room", alice, bob);

        alice.Book.SendText(room, "accepted before the commit");
        alice.Book.SendText(room, "stale after the commit");
        List<GroupMessageRecord> sent = alice.Take<GroupMessageRecord>();
        GroupCommitRecord update = SelfUpdate(hub, bob);
        HandHub.Relay(alice, sent[0], bob);
        HandHub.Accept(bob, update, [alice], [], 2);
        alice.Book.StaleEpoch(room);
        alice.Book.Acknowledged(alice.NextSequence);

        GroupMessageRecord resent = alice.TakeOne<GroupMessageRecord>();
        HandHub.Relay(alice, resent, bob);
        bob.Texts.Select(t => t.Text).ShouldBe(["accepted before the commit", "stale after the commit"]);
    }

    [Fact]
    public void A_text_typed_while_texts_of_a_left_epoch_are_in_flight_waits_for_the_ack_and_goes_out_after_the_refused_one_is_resent()
    {
        using var hub = new HandHub();
        BookMember alice = hub.Connect("alice");
        BookMember bob = hub.Connect("bob");
        GroupTarget room = HandHub.Room("#room", alice, bob);

        alice.Book.SendText(room, "first");
        alice.Book.SendText(room, "second");
        List<GroupMessageRecord> sent = alice.Take<GroupMessageRecord>();
        HandHub.Relay(alice, sent[0], bob);
        GroupCommitRecord update = SelfUpdate(hub, bob);
        HandHub.Accept(bob, update, [alice], [], 2);
        alice.Book.SendText(room, "third");
        alice.Take<GroupMessageRecord>().ShouldBeEmpty("a text of the epoch alice left is in flight: the hub may refuse it");
        alice.Book.StaleEpoch(room);
        alice.Book.Acknowledged(alice.NextSequence);

        List<GroupMessageRecord> after = alice.Take<GroupMessageRecord>();
        after.Count.ShouldBe(2);
        HandHub.Relay(alice, after[0], bob);
        HandHub.Relay(alice, after[1], bob);
        alice.Book.Acknowledged(alice.NextSequence);
        alice.Take<GroupMessageRecord>().ShouldBeEmpty("the accepted ones are not resent");
        bob.Texts.Select(t => t.Text).ShouldBe(["first", "second", "third"]);
    }

    [Fact]
    public void A_member_renews_its_leaf_after_100_texts_and_after_24_hours_in_a_group()
    {
        using var hub = new HandHub();
        BookMember alice = hub.Connect("alice");
        BookMember bob = hub.Connect("bob");
        GroupTarget room = HandHub.Room("#room", alice, bob);

        for (int i = 0; i < GroupBook.UpdateAfterMessages; i++)
        {
            alice.Book.SendText(room, $"text {i}");
        }

        alice.Take<GroupMessageRecord>().Count.ShouldBe(GroupBook.UpdateAfterMessages);
        GroupCommitRecord update = alice.TakeOne<GroupCommitRecord>();
        update.Welcome.ShouldBeEmpty();
        alice.Book.StatusOf(room).ShouldBe(MemberGroupStatus.Committing);
        HandHub.Accept(alice, update, [bob], [], 2);
        bob.Book.StateOf(room)!.Epoch.ShouldBe(2UL);

        bob.Book.Tick();
        bob.Take<GroupCommitRecord>().ShouldBeEmpty();
        hub.Clock.Advance(GroupBook.UpdateAfter);
        bob.Book.Tick();
        GroupCommitRecord daily = bob.TakeOne<GroupCommitRecord>();
        HandHub.Accept(bob, daily, [alice], [], 3);
        alice.Book.StateOf(room)!.Epoch.ShouldBe(3UL);
    }

    [Fact]
    public void A_refused_commit_is_discarded_and_a_task_whose_key_package_is_not_the_joiners_gets_no_commit()
    {
        using var hub = new HandHub();
        BookMember alice = hub.Connect("alice");
        BookMember bob = hub.Connect("bob");
        BookMember carol = hub.Connect("carol");
        BookMember mallory = hub.Connect("mallory");
        GroupTarget room = HandHub.Room("#room", alice, bob);
        GroupCommitRecord add = HandHub.Task(alice, room, [carol], []).ShouldNotBeNull();
        alice.Book.SendText(room, "after the refusal");

        alice.Book.CommitResult(new CommitResultRecord(room, CommitStatus.Refused, HandHub.GroupIdOf(add), 1));

        alice.Book.StatusOf(room).ShouldBe(MemberGroupStatus.Member);
        alice.Book.StateOf(room)!.Epoch.ShouldBe(1UL);
        HandHub.Relay(alice, alice.TakeOne<GroupMessageRecord>(), bob);
        bob.Texts.ShouldHaveSingleItem().Text.ShouldBe("after the refusal");

        GroupState state = alice.Book.StateOf(room)!;
        alice.Book.GroupTask(new GroupTaskRecord(room, state.GroupId, state.Epoch, [], [new GroupTaskJoiner(carol.Digest, carol.Name, mallory.KeyPackagesAtHub.Dequeue())]));
        alice.Take<GroupCommitRecord>().ShouldBeEmpty();
        alice.NoticesOf(GroupNoticeKind.Dropped).ShouldHaveSingleItem().Text.ShouldContain("not carol's");
        alice.Book.StatusOf(room).ShouldBe(MemberGroupStatus.Member);
    }

    /// <summary>An empty commit of <paramref name="member"/>, through its 24-hour renewal (the others are not ticked).</summary>
    private static GroupCommitRecord SelfUpdate(HandHub hub, BookMember member)
    {
        hub.Clock.Advance(GroupBook.UpdateAfter);
        member.Book.Tick();
        return member.TakeOne<GroupCommitRecord>();
    }
}
