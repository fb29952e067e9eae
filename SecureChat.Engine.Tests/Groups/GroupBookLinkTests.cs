using System.Security.Cryptography;
using SecureChat.Engine.Groups;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Tests.Groups;

/// <summary>
/// A member's texts across links and groups replaced (PROTOCOL.md 4.9: texts it queued are never dropped): a text
/// the hub never took survives a new link and a group the hub started anew, and arrives once, in order.
/// </summary>
public sealed class GroupBookLinkTests
{
    [Fact]
    public void A_room_text_typed_on_a_new_link_waits_for_the_rooms_RoomInfo_and_goes_to_the_group_the_hub_started_anew()
    {
        using var hub = new HandHub();
        BookMember alice = hub.Connect("alice");
        BookMember bob = hub.Connect("bob");
        GroupTarget room = HandHub.Room("#room", alice, bob);

        // The hub restarted: both come back on new links; Bob's text waits, not sent in the group the hub lost.
        alice.Book.LinkSecured();
        bob.Book.LinkSecured();
        bob.Book.SendText(room, "typed while the hub was away").ShouldBe(MemberGroupStatus.AwaitingWelcome);
        bob.Take<GroupMessageRecord>().ShouldBeEmpty();

        byte[] anew = HandHub.Found(alice, "#room");
        HandHub.Enter(bob, "#room", anew, alice);
        bob.Take<GroupMessageRecord>().ShouldBeEmpty();
        GroupCommitRecord commit = HandHub.Task(alice, room, [bob], []).ShouldNotBeNull();
        HandHub.Accept(alice, commit, [], [bob], 1);

        GroupMessageRecord sent = bob.TakeOne<GroupMessageRecord>();
        HandHub.Relay(bob, sent, alice);
        alice.Texts.ShouldHaveSingleItem().Text.ShouldBe("typed while the hub was away");
    }

    [Fact]
    public void A_room_whose_group_the_hub_still_has_sends_its_waiting_text_once_its_RoomInfo_names_that_group()
    {
        using var hub = new HandHub();
        BookMember alice = hub.Connect("alice");
        BookMember bob = hub.Connect("bob");
        GroupTarget room = HandHub.Room("#room", alice, bob);
        byte[] groupId = bob.Book.StateOf(room).ShouldNotBeNull().GroupId;

        bob.Book.LinkSecured();
        bob.Book.SendText(room, "back").ShouldBe(MemberGroupStatus.AwaitingWelcome);
        bob.Take<GroupMessageRecord>().ShouldBeEmpty();
        bob.Book.RoomEntered("#room", founder: false, groupId);

        bob.Book.StatusOf(room).ShouldBe(MemberGroupStatus.Member);
        HandHub.Relay(bob, bob.TakeOne<GroupMessageRecord>(), alice);
        alice.Texts.ShouldHaveSingleItem().Text.ShouldBe("back");
    }

    [Fact]
    public void A_text_in_flight_when_the_hub_starts_the_group_anew_is_sent_again_in_the_new_group_ahead_of_later_ones()
    {
        using var hub = new HandHub();
        BookMember alice = hub.Connect("alice");
        BookMember bob = hub.Connect("bob");
        GroupTarget room = HandHub.Room("#room", alice, bob);
        bob.Book.SendText(room, "one");
        bob.Take<GroupMessageRecord>().ShouldHaveSingleItem(); // never acknowledged: the group it was for is gone

        byte[] anew = RandomNumberGenerator.GetBytes(16);
        alice.Book.RoomEntered("#room", founder: true, anew);
        HandHub.Enter(bob, "#room", anew, alice);
        bob.Book.SendText(room, "two");
        GroupCommitRecord commit = HandHub.Task(alice, room, [bob], []).ShouldNotBeNull();
        HandHub.Accept(alice, commit, [], [bob], 1);

        List<GroupMessageRecord> sent = bob.Take<GroupMessageRecord>();
        sent.Count.ShouldBe(2);
        HandHub.Relay(bob, sent[0], alice);
        HandHub.Relay(bob, sent[1], alice);
        alice.Texts.Select(t => t.Text).ShouldBe(["one", "two"]);
    }

    [Fact]
    public void A_text_its_link_could_not_carry_waits_for_the_next_link_and_goes_out_first_there()
    {
        using var hub = new HandHub();
        BookMember alice = hub.Connect("alice");
        BookMember bob = hub.Connect("bob");
        GroupTarget room = HandHub.Room("#room", alice, bob);
        byte[] groupId = bob.Book.StateOf(room).ShouldNotBeNull().GroupId;
        ulong ticket = bob.NextSequence;
        bob.Book.SendText(room, "lost with the link");
        bob.Take<GroupMessageRecord>().ShouldHaveSingleItem();

        bob.Book.MessageUnsent(ticket, linkEnded: true);
        bob.Book.SendText(room, "typed after").ShouldBe(MemberGroupStatus.Member);
        bob.Take<GroupMessageRecord>().ShouldBeEmpty("nothing goes out into a link that ended");

        bob.Book.LinkSecured();
        bob.Book.RoomEntered("#room", founder: false, groupId);
        List<GroupMessageRecord> sent = bob.Take<GroupMessageRecord>();
        sent.Count.ShouldBe(2);
        HandHub.Relay(bob, sent[0], alice);
        HandHub.Relay(bob, sent[1], alice);
        alice.Texts.Select(t => t.Text).ShouldBe(["lost with the link", "typed after"]);
    }
}
