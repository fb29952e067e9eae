using SecureChat.Engine.Crypto;
using System.Text;
using SecureChat.Engine.Groups;
using SecureChat.Engine.Mls.Group;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Tests.Groups;

/// <summary>
/// A room's group between books driven by a hand-played hub (PROTOCOL.md 4.8, 4.9, section 7): founding, a task
/// that adds, texts both ways, and every check a member makes of what the hub relays.
/// </summary>
public sealed class GroupBookRoomTests(ITestOutputHelper output)
{
    [Fact]
    public void A_founder_creates_the_group_at_epoch_zero_with_the_hubs_group_id()
    {
        using var hub = new HandHub();
        BookMember alice = hub.Connect("alice");

        byte[] groupId = HandHub.Found(alice, "#room");

        GroupState state = alice.Book.StateOf(GroupTarget.ForRoom("#room")).ShouldNotBeNull();
        state.Epoch.ShouldBe(0UL);
        state.GroupId.ShouldBe(groupId);
        state.Tree.GetLeaf(0)!.Credential.Identity.ShouldBe(alice.PublicKey);
        state.Tree.GetLeaf(0)!.SignatureKey.ShouldBe(alice.PublicKey);
        alice.Book.StatusOf(GroupTarget.ForRoom("#room")).ShouldBe(MemberGroupStatus.Member);
    }

    [Fact]
    public void A_task_adds_the_joiner_who_reads_the_founders_texts_and_is_read_by_it_and_everyone_is_told_by_fingerprint()
    {
        using var hub = new HandHub();
        BookMember alice = hub.Connect("alice");
        BookMember bob = hub.Connect("bob");
        var room = GroupTarget.ForRoom("#room");
        byte[] groupId = HandHub.Found(alice, "#room");
        HandHub.Enter(bob, "#room", groupId, alice);
        bob.Book.StatusOf(room).ShouldBe(MemberGroupStatus.AwaitingWelcome);

        bob.Book.SendText(room, "early").ShouldBe(MemberGroupStatus.AwaitingWelcome);
        bob.Take<GroupMessageRecord>().ShouldBeEmpty();

        GroupCommitRecord commit = HandHub.Task(alice, room, [bob], []).ShouldNotBeNull();
        commit.Welcome.Length.ShouldBeGreaterThan(0);
        alice.Book.StatusOf(room).ShouldBe(MemberGroupStatus.Committing);
        alice.Book.SendText(room, "while committing").ShouldBe(MemberGroupStatus.Committing);
        alice.Take<GroupMessageRecord>().ShouldBeEmpty();

        HandHub.Accept(alice, commit, [], [bob], 1);

        alice.Book.StatusOf(room).ShouldBe(MemberGroupStatus.Member);
        bob.Book.StatusOf(room).ShouldBe(MemberGroupStatus.Member);
        alice.NoticesOf(GroupNoticeKind.MemberAdded).ShouldHaveSingleItem().Subject.ShouldBe(bob.Digest);
        bob.NoticesOf(GroupNoticeKind.Joined).ShouldHaveSingleItem().Text.ShouldContain(IdentityFingerprint.FromDigest(alice.Digest));
        bob.NoticesOf(GroupNoticeKind.RosterMismatch).ShouldBeEmpty();

        GroupMessageRecord fromAlice = alice.TakeOne<GroupMessageRecord>();
        GroupMessageRecord fromBob = bob.TakeOne<GroupMessageRecord>();
        output.WriteLine($"GroupMessage mls: {fromAlice.Mls.Length} bytes for a 16-byte text (padded to 32)");
        HandHub.Relay(alice, fromAlice, bob);
        HandHub.Relay(bob, fromBob, alice);

        bob.Texts.ShouldHaveSingleItem().Text.ShouldBe("while committing");
        alice.Texts.ShouldHaveSingleItem().Text.ShouldBe("early");
        alice.Texts[0].SenderDigest.ShouldBe(bob.Digest);
    }

    [Fact]
    public void Texts_sent_while_entering_a_room_before_its_RoomInfo_wait_and_go_out_once_the_group_is_usable()
    {
        using var hub = new HandHub();
        BookMember alice = hub.Connect("alice");
        BookMember bob = hub.Connect("bob");
        var room = GroupTarget.ForRoom("#lobby");

        Should.Throw<InvalidOperationException>(() => alice.Book.SendText(room, "not entering"), "a room neither entered nor being entered");
        alice.Book.SendText(room, "before the founding", entering: true).ShouldBe(MemberGroupStatus.NoGroup);
        bob.Book.SendText(room, "before my entry", entering: true).ShouldBe(MemberGroupStatus.NoGroup);
        alice.Take<GroupMessageRecord>().ShouldBeEmpty();
        bob.Take<GroupMessageRecord>().ShouldBeEmpty();

        byte[] groupId = HandHub.Found(alice, "#lobby");
        GroupMessageRecord fromAlice = alice.TakeOne<GroupMessageRecord>();
        HandHub.Enter(bob, "#lobby", groupId, alice);
        bob.Take<GroupMessageRecord>().ShouldBeEmpty();
        GroupCommitRecord commit = HandHub.Task(alice, room, [bob], []).ShouldNotBeNull();
        HandHub.Accept(alice, commit, [], [bob], 1);
        GroupMessageRecord fromBob = bob.TakeOne<GroupMessageRecord>();
        HandHub.Relay(bob, fromBob, alice);

        fromAlice.Mls.Length.ShouldBeGreaterThan(0, "alice's text went out in the group she founded, before bob was in it");
        alice.Texts.ShouldHaveSingleItem().Text.ShouldBe("before my entry");
    }

    [Fact]
    public void A_relay_the_hub_attributes_to_someone_else_is_dropped_with_a_warning()
    {
        using var hub = new HandHub();
        BookMember alice = hub.Connect("alice");
        BookMember bob = hub.Connect("bob");
        BookMember carol = hub.Connect("carol");
        GroupTarget room = HandHub.Room("#room", alice, bob, carol);

        alice.Book.SendText(room, "from alice");
        GroupMessageRecord message = alice.TakeOne<GroupMessageRecord>();
        bob.Book.GroupRelay(new GroupRelayRecord(room, carol.Digest, carol.Name, message.Mls));

        bob.Texts.ShouldBeEmpty();
        string warning = bob.NoticesOf(GroupNoticeKind.Dropped).ShouldHaveSingleItem().Text;
        warning.ShouldContain("carol");
        output.WriteLine(warning);
    }

    [Fact]
    public void A_relay_whose_mls_is_altered_or_garbage_is_dropped_and_the_next_one_is_read()
    {
        using var hub = new HandHub();
        BookMember alice = hub.Connect("alice");
        BookMember bob = hub.Connect("bob");
        GroupTarget room = HandHub.Room("#room", alice, bob);

        alice.Book.SendText(room, "one");
        alice.Book.SendText(room, "two");
        List<GroupMessageRecord> sent = alice.Take<GroupMessageRecord>();
        byte[] altered = sent[0].Mls.ToArray();
        altered[^1] ^= 1;
        bob.Book.GroupRelay(new GroupRelayRecord(room, alice.Digest, alice.Name, altered));
        bob.Book.GroupRelay(new GroupRelayRecord(room, alice.Digest, alice.Name, [1, 2, 3]));
        HandHub.Relay(alice, sent[1], bob);

        bob.NoticesOf(GroupNoticeKind.Dropped).Count.ShouldBe(2);
        bob.Texts.ShouldHaveSingleItem().Text.ShouldBe("two");
    }

    [Fact]
    public void Application_data_that_is_not_utf8_or_longer_than_the_text_limit_is_dropped_with_a_warning()
    {
        using var hub = new HandHub();
        BookMember alice = hub.Connect("alice");
        BookMember bob = hub.Connect("bob");
        GroupTarget room = HandHub.Room("#room", alice, bob);
        GroupState aliceState = alice.Book.StateOf(room)!;

        byte[] notUtf8 = ApplicationMessages.Protect(aliceState, [0xC3, 0x28], []).Encode();
        byte[] tooLong = ApplicationMessages.Protect(aliceState, Encoding.UTF8.GetBytes(new string('x', WireFormat.ChatTextMax + 1)), []).Encode();
        byte[] longest = ApplicationMessages.Protect(aliceState, Encoding.UTF8.GetBytes(new string('y', WireFormat.ChatTextMax)), []).Encode();
        byte[] empty = ApplicationMessages.Protect(aliceState, [], []).Encode();
        foreach (byte[] mls in new[] { notUtf8, tooLong, longest, empty })
        {
            bob.Book.GroupRelay(new GroupRelayRecord(room, alice.Digest, alice.Name, mls));
        }

        bob.NoticesOf(GroupNoticeKind.Dropped).Count.ShouldBe(2);
        bob.Texts.Select(t => t.Text.Length).ShouldBe([WireFormat.ChatTextMax, 0]);
        Should.Throw<ArgumentException>(() => alice.Book.SendText(room, new string('x', WireFormat.ChatTextMax + 1)));
        Should.Throw<ArgumentException>(() => alice.Book.SendText(room, new string('界', (WireFormat.ChatTextMax / 3) + 1)), "counted in UTF-8 bytes, not chars");
        Should.Throw<ArgumentException>(() => alice.Book.SendText(room, "half of a pair: \ud83d"), "a lone surrogate cannot be encoded");
        alice.Book.SendText(room, "a whole pair: \ud83d\ude00");
    }

    [Fact]
    public void A_member_added_by_a_commit_the_others_did_not_see_cannot_read_them_and_a_removed_member_cannot_read_what_follows()
    {
        using var hub = new HandHub();
        BookMember alice = hub.Connect("alice");
        BookMember bob = hub.Connect("bob");
        BookMember carol = hub.Connect("carol");
        GroupTarget room = HandHub.Room("#room", alice, bob);
        HandHub.Enter(carol, "#room", alice.Book.StateOf(room)!.GroupId, alice, bob);

        GroupCommitRecord add = HandHub.Task(alice, room, [carol], []).ShouldNotBeNull();
        HandHub.Accept(alice, add, [], [carol], 2);
        bob.Book.SendText(room, "bob at epoch 1");
        HandHub.Relay(bob, bob.TakeOne<GroupMessageRecord>(), carol);
        carol.Texts.ShouldBeEmpty();
        carol.NoticesOf(GroupNoticeKind.Dropped).ShouldHaveSingleItem();

        GroupCommitRecord remove = HandHub.Task(alice, room, [], [carol]).ShouldNotBeNull();
        HandHub.Accept(alice, remove, [carol], [], 3);
        carol.NoticesOf(GroupNoticeKind.Left).ShouldHaveSingleItem();
        carol.Book.StateOf(room).ShouldBeNull();
        alice.Book.SendText(room, "after carol");
        HandHub.Relay(alice, alice.TakeOne<GroupMessageRecord>(), carol);
        carol.Texts.ShouldBeEmpty();
        carol.NoticesOf(GroupNoticeKind.Dropped).Count.ShouldBe(2);
    }

    [Fact]
    public void A_welcome_whose_tree_differs_from_the_announced_members_is_shown_and_one_from_outside_the_tree_is_refused()
    {
        using var hub = new HandHub();
        BookMember alice = hub.Connect("alice");
        BookMember bob = hub.Connect("bob");
        BookMember dave = hub.Connect("dave");
        var room = GroupTarget.ForRoom("#room");
        byte[] groupId = HandHub.Found(alice, "#room");
        HandHub.Enter(bob, "#room", groupId, alice, dave);
        GroupCommitRecord commit = HandHub.Task(alice, room, [bob], []).ShouldNotBeNull();
        alice.Book.CommitResult(new CommitResultRecord(room, CommitStatus.Accepted, groupId, 1));

        bob.Book.WelcomeRelay(new WelcomeRelayRecord(room, dave.Digest, dave.Name, commit.Welcome));
        bob.NoticesOf(GroupNoticeKind.Dropped).ShouldHaveSingleItem().Text.ShouldContain("dave");
        bob.Book.StatusOf(room).ShouldBe(MemberGroupStatus.AwaitingWelcome);

        bob.Book.WelcomeRelay(new WelcomeRelayRecord(room, alice.Digest, alice.Name, commit.Welcome));
        bob.Book.StatusOf(room).ShouldBe(MemberGroupStatus.Member);
        string mismatch = bob.NoticesOf(GroupNoticeKind.RosterMismatch).ShouldHaveSingleItem().Text;
        mismatch.ShouldContain(IdentityFingerprint.FromDigest(dave.Digest));
        output.WriteLine(mismatch);
    }
}
