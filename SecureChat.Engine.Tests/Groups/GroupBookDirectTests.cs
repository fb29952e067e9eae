using SecureChat.Engine.Groups;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Tests.Groups;

/// <summary>
/// Direct conversations (PROTOCOL.md 4.8): a key package asked for, a group with a random id created and the person
/// added with a Welcome to <c>0 || digest</c>; of two creations at once the loser waits for the winner's Welcome.
/// </summary>
public sealed class GroupBookDirectTests
{
    [Fact]
    public void A_first_text_to_a_person_asks_for_a_key_package_creates_the_group_adds_them_and_is_read()
    {
        using var hub = new HandHub();
        BookMember alice = hub.Connect("alice");
        BookMember bob = hub.Connect("bob");
        var toBob = GroupTarget.ForPerson(bob.Digest);

        alice.Book.SendText(toBob, "hello bob").ShouldBe(MemberGroupStatus.AwaitingWelcome);
        alice.Book.SendText(toBob, "second");
        alice.Sent.OfType<(string Op, byte[] Digest)>().ShouldHaveSingleItem().Digest.ShouldBe(bob.Digest);

        alice.Book.KeyPackageRelayed(new KeyPackageRelayRecord(bob.Digest, bob.Name, bob.KeyPackagesAtHub.Dequeue()));
        GroupCommitRecord create = alice.TakeOne<GroupCommitRecord>();
        create.Target.ShouldBe(toBob);
        MlsMessage.Decode(create.Commit).PublicMessage!.Content.Epoch.ShouldBe(0UL);
        alice.Book.StatusOf(toBob).ShouldBe(MemberGroupStatus.Committing);

        HandHub.Accept(alice, create, [], [bob], 1);

        alice.Book.StatusOf(toBob).ShouldBe(MemberGroupStatus.Member);
        var toAlice = GroupTarget.ForPerson(alice.Digest);
        bob.Book.StatusOf(toAlice).ShouldBe(MemberGroupStatus.Member);
        bob.Book.StateOf(toAlice)!.GroupId.Length.ShouldBe(16);
        foreach (GroupMessageRecord message in alice.Take<GroupMessageRecord>())
        {
            HandHub.Relay(alice, message, bob);
        }

        bob.Texts.Select(t => t.Text).ShouldBe(["hello bob", "second"]);
        bob.Texts[0].Target.ShouldBe(toAlice);
        bob.Book.SendText(toAlice, "hi alice").ShouldBe(MemberGroupStatus.Member);
        HandHub.Relay(bob, bob.TakeOne<GroupMessageRecord>(), alice);
        alice.Texts.ShouldHaveSingleItem().Text.ShouldBe("hi alice");
    }

    [Fact]
    public void Of_two_creations_at_once_the_stale_one_waits_for_the_winners_welcome_and_then_sends_its_text()
    {
        using var hub = new HandHub();
        BookMember alice = hub.Connect("alice");
        BookMember bob = hub.Connect("bob");
        var toBob = GroupTarget.ForPerson(bob.Digest);
        var toAlice = GroupTarget.ForPerson(alice.Digest);
        alice.Book.SendText(toBob, "from alice");
        bob.Book.SendText(toAlice, "from bob");
        alice.Book.KeyPackageRelayed(new KeyPackageRelayRecord(bob.Digest, bob.Name, bob.KeyPackagesAtHub.Dequeue()));
        bob.Book.KeyPackageRelayed(new KeyPackageRelayRecord(alice.Digest, alice.Name, alice.KeyPackagesAtHub.Dequeue()));
        GroupCommitRecord fromAlice = alice.TakeOne<GroupCommitRecord>();
        GroupCommitRecord fromBob = bob.TakeOne<GroupCommitRecord>();

        HandHub.Accept(alice, fromAlice, [], [], 1);
        bob.Book.CommitResult(new CommitResultRecord(toAlice, CommitStatus.Stale, HandHub.GroupIdOf(fromBob), 1));
        bob.Book.StatusOf(toAlice).ShouldBe(MemberGroupStatus.AwaitingWelcome);
        bob.Take<GroupMessageRecord>().ShouldBeEmpty();
        bob.Book.WelcomeRelay(new WelcomeRelayRecord(toAlice, alice.Digest, alice.Name, fromAlice.Welcome));

        bob.Book.StatusOf(toAlice).ShouldBe(MemberGroupStatus.Member);
        HandHub.Relay(bob, bob.TakeOne<GroupMessageRecord>(), alice);
        HandHub.Relay(alice, alice.TakeOne<GroupMessageRecord>(), bob);
        alice.Texts.ShouldHaveSingleItem().Text.ShouldBe("from bob");
        bob.Texts.ShouldHaveSingleItem().Text.ShouldBe("from alice");
    }

    [Fact]
    public void A_key_package_of_someone_else_or_none_at_all_starts_nothing_and_says_what_was_not_sent()
    {
        using var hub = new HandHub();
        BookMember alice = hub.Connect("alice");
        BookMember bob = hub.Connect("bob");
        BookMember mallory = hub.Connect("mallory");
        var toBob = GroupTarget.ForPerson(bob.Digest);
        alice.Book.SendText(toBob, "for bob only");

        alice.Book.KeyPackageRelayed(new KeyPackageRelayRecord(bob.Digest, bob.Name, mallory.KeyPackagesAtHub.Dequeue()));

        alice.Take<GroupCommitRecord>().ShouldBeEmpty();
        alice.NoticesOf(GroupNoticeKind.NotStarted).ShouldHaveSingleItem().Text.ShouldContain("1 message(s) not sent");
        alice.Book.StatusOf(toBob).ShouldBe(MemberGroupStatus.NoGroup);

        alice.Book.SendText(toBob, "again");
        alice.Book.KeyPackageUnavailable(bob.Digest, "no key package");
        alice.NoticesOf(GroupNoticeKind.NotStarted).Count.ShouldBe(2);
    }

    [Fact]
    public void A_welcome_into_a_direct_group_holding_a_third_person_is_refused()
    {
        using var hub = new HandHub();
        BookMember alice = hub.Connect("alice");
        BookMember bob = hub.Connect("bob");
        BookMember carol = hub.Connect("carol");
        GroupTarget room = HandHub.Room("#room", alice, carol);
        HandHub.Enter(bob, "#room", alice.Book.StateOf(room)!.GroupId, alice, carol);
        GroupCommitRecord add = HandHub.Task(alice, room, [bob], []).ShouldNotBeNull();

        bob.Book.WelcomeRelay(new WelcomeRelayRecord(GroupTarget.ForPerson(alice.Digest), alice.Digest, alice.Name, add.Welcome));

        bob.NoticesOf(GroupNoticeKind.Dropped).ShouldHaveSingleItem().Text.ShouldContain("exactly its two people");
        bob.Book.StateOf(GroupTarget.ForPerson(alice.Digest)).ShouldBeNull();
    }
}
