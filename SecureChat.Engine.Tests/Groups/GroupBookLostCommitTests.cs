using SecureChat.Engine.Groups;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Tests.Groups;

/// <summary>
/// A commit lost with its link (PROTOCOL.md 4.9, "A new link"): sent, and the link ended before its CommitResult. The
/// next link discards it, so the group does not stay Committing; had the hub accepted it, the member finds out and resyncs.
/// </summary>
public sealed class GroupBookLostCommitTests
{
    [Fact]
    public void A_task_commit_whose_result_never_came_is_discarded_on_the_next_link_and_the_texts_go_out_again()
    {
        using var hub = new HandHub();
        BookMember alice = hub.Connect("alice");
        BookMember bob = hub.Connect("bob");
        BookMember carol = hub.Connect("carol");
        GroupTarget room = HandHub.Room("#room", alice, bob);
        byte[] groupId = alice.Book.StateOf(room).ShouldNotBeNull().GroupId;
        HandHub.Enter(carol, "#room", groupId, alice, bob);
        HandHub.Task(alice, room, [carol], []).ShouldNotBeNull();
        alice.Book.SendText(room, "waits for the commit").ShouldBe(MemberGroupStatus.Committing);

        alice.Book.LinkSecured();
        alice.Book.RoomEntered("#room", founder: false, groupId);

        alice.Book.StatusOf(room).ShouldBe(MemberGroupStatus.Member);
        alice.Book.StateOf(room)!.Epoch.ShouldBe(1UL);
        HandHub.Relay(alice, alice.TakeOne<GroupMessageRecord>(), bob);
        bob.Texts.ShouldHaveSingleItem().Text.ShouldBe("waits for the commit");
    }

    [Fact]
    public void A_leaf_renewal_lost_with_its_link_does_not_hold_the_texts_of_the_next_link()
    {
        using var hub = new HandHub();
        BookMember alice = hub.Connect("alice");
        BookMember bob = hub.Connect("bob");
        GroupTarget room = HandHub.Room("#room", alice, bob);
        byte[] groupId = bob.Book.StateOf(room).ShouldNotBeNull().GroupId;
        hub.Clock.Advance(GroupBook.UpdateAfter);
        bob.Book.Tick();
        bob.TakeOne<GroupCommitRecord>();
        bob.Book.StatusOf(room).ShouldBe(MemberGroupStatus.Committing);

        bob.Book.LinkSecured();
        bob.Book.RoomEntered("#room", founder: false, groupId);
        bob.Book.SendText(room, "after").ShouldBe(MemberGroupStatus.Member);

        HandHub.Relay(bob, bob.TakeOne<GroupMessageRecord>(), alice);
        alice.Texts.ShouldHaveSingleItem().Text.ShouldBe("after");
    }

    [Fact]
    public void A_commit_given_up_with_its_link_that_the_hub_had_accepted_is_a_fork_and_a_resync_is_asked()
    {
        using var hub = new HandHub();
        BookMember alice = hub.Connect("alice");
        BookMember bob = hub.Connect("bob");
        BookMember carol = hub.Connect("carol");
        GroupTarget room = HandHub.Room("#room", alice, bob);
        byte[] groupId = alice.Book.StateOf(room).ShouldNotBeNull().GroupId;
        HandHub.Enter(carol, "#room", groupId, alice, bob);
        HandHub.Task(alice, room, [carol], []).ShouldNotBeNull();
        alice.Book.LinkSecured();
        alice.Book.RoomEntered("#room", founder: false, groupId);

        // The result came from the away queue after the new link's RoomInfo.
        alice.Book.CommitResult(new CommitResultRecord(room, CommitStatus.Accepted, groupId, 2));

        alice.NoticesOf(GroupNoticeKind.Forked).ShouldHaveSingleItem();
        alice.Sent.OfType<(string Op, GroupTarget Target)>().ShouldContain(("resync", room));
        alice.Book.StatusOf(room).ShouldBe(MemberGroupStatus.AwaitingWelcome);
    }

    [Fact]
    public void A_direct_conversation_whose_creation_was_lost_with_its_link_is_started_again_for_its_waiting_texts()
    {
        using var hub = new HandHub();
        BookMember alice = hub.Connect("alice");
        BookMember bob = hub.Connect("bob");
        var toBob = GroupTarget.ForPerson(bob.Digest);
        alice.Book.SendText(toBob, "hello bob");
        alice.Sent.OfType<(string Op, byte[] Digest)>().ShouldHaveSingleItem();
        alice.Sent.Clear();
        alice.Book.KeyPackageRelayed(new KeyPackageRelayRecord(bob.Digest, bob.Name, bob.KeyPackagesAtHub.Dequeue()));
        alice.TakeOne<GroupCommitRecord>();

        alice.Book.LinkSecured();

        AsksAgainAndDelivers(alice, bob, toBob);
    }

    [Fact]
    public void A_key_package_request_whose_answer_was_lost_with_its_link_is_asked_again_on_the_next_link()
    {
        using var hub = new HandHub();
        BookMember alice = hub.Connect("alice");
        BookMember bob = hub.Connect("bob");
        var toBob = GroupTarget.ForPerson(bob.Digest);
        alice.Book.SendText(toBob, "hello bob");
        alice.Sent.OfType<(string Op, byte[] Digest)>().ShouldHaveSingleItem();
        alice.Sent.Clear();

        alice.Book.LinkSecured(); // the link ended before the hub answered (it waited for bob's key packages)

        AsksAgainAndDelivers(alice, bob, toBob);
    }

    [Fact]
    public void A_new_link_asks_for_no_key_package_when_no_request_is_unanswered()
    {
        using var hub = new HandHub();
        BookMember alice = hub.Connect("alice");
        BookMember bob = hub.Connect("bob");
        alice.Book.SendText(GroupTarget.ForPerson(bob.Digest), "hello bob");
        alice.Book.KeyPackageRelayed(new KeyPackageRelayRecord(bob.Digest, bob.Name, bob.KeyPackagesAtHub.Dequeue()));
        HandHub.Accept(alice, alice.TakeOne<GroupCommitRecord>(), [], [bob], 1);
        alice.Sent.Clear();

        alice.Book.LinkSecured();

        alice.Sent.OfType<(string Op, byte[] Digest)>().ShouldBeEmpty();
    }

    /// <summary>
    /// On the new link Alice asks once more for Bob's key package; with it her conversation with Bob starts and her
    /// waiting text reaches him.
    /// </summary>
    private static void AsksAgainAndDelivers(BookMember alice, BookMember bob, GroupTarget toBob)
    {
        alice.Sent.OfType<(string Op, byte[] Digest)>().ShouldHaveSingleItem().Digest.ShouldBe(bob.Digest);
        alice.Book.StatusOf(toBob).ShouldBe(MemberGroupStatus.AwaitingWelcome);
        alice.Book.KeyPackageRelayed(new KeyPackageRelayRecord(bob.Digest, bob.Name, bob.KeyPackagesAtHub.Dequeue()));
        GroupCommitRecord create = alice.TakeOne<GroupCommitRecord>();
        HandHub.Accept(alice, create, [], [bob], 1);
        HandHub.Relay(alice, alice.TakeOne<GroupMessageRecord>(), bob);
        bob.Texts.ShouldHaveSingleItem().Text.ShouldBe("hello bob");
    }
}
