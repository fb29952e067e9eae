using SecureChat.Engine.Chat;
using SecureChat.Engine.Mls.Group;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;
using SecureChat.TestSupport;

namespace SecureChat.Engine.Tests.Hub.Groups;

/// <summary>
/// Membership belongs to the identity, on 127.0.0.1 with raw v4 clients and real MLS state (PROTOCOL.md 4.8): a member
/// whose link drops is away, its group's records wait for it, and a new link of it gets them in order; a second link
/// of a connected identity replaces the first.
/// </summary>
public sealed class HubAwayLiveTests(ITestOutputHelper output)
{
    private static readonly GroupTarget s_room = GroupTarget.ForRoom("#r");

    [Fact]
    public async Task A_member_that_drops_during_two_commits_and_a_message_gets_them_in_order_when_back_and_processes_them()
    {
        await using LiveServer live = LiveServer.Start();
        await using LiveGroupMember alice = await LiveGroupMember.ConnectAsync(live.Port, "alice");
        LiveGroupMember bob = await LiveGroupMember.ConnectAsync(live.Port, "bob");
        await alice.JoinAsync("#r");
        alice.Keys.Found((await alice.EnteredAsync("#r")).GroupId!, TimeProvider.System);
        await bob.JoinAsync("#r");
        await bob.EnteredAsync("#r");
        await alice.UntilAsync(m => m.Count<GroupTaskRecord>(s_room) == 1);
        byte[] bobPackage = alice.Last<GroupTaskRecord>(s_room).Joiners.Single().KeyPackage;
        (await alice.CarryOutTaskAsync(s_room)).Status.ShouldBe(CommitStatus.Accepted);
        await bob.UntilAsync(m => m.Count<WelcomeRelayRecord>(s_room) == 1); // #lobby's group welcomes bob too
        bob.Keys.Join(bob.Last<WelcomeRelayRecord>(s_room).Mls, bobPackage);

        bob.Raw.Abort();
        await bob.DisposeAsync();
        await alice.UntilAsync(m => m.Raw.Events.OfType<PresenceEvent>().Any(p => p.Kind == PresenceKind.Away && p.Name == "bob"));
        List<byte[]> commits = [];
        for (int i = 0; i < 2; i++)
        {
            var empty = alice.Keys.BuildCommit([], [], TimeProvider.System);
            (await alice.CommitAsync(s_room, empty.Commit, empty.Welcome)).Status.ShouldBe(CommitStatus.Accepted);
            alice.Keys.State = empty.Pending.Merge();
            commits.Add(empty.Commit);
        }

        byte[] message = alice.Keys.Message("while you were away");
        await alice.SendAsync(chat => chat.Groups.SendGroupMessage(s_room, message));
        await alice.Raw.PumpUntilAsync(() => false, TimeSpan.FromMilliseconds(300)).ContinueWith(_ => { }); // the hub has the message before bob is back

        await using LiveGroupMember back = await LiveGroupMember.ConnectAsync(live.Port, bob.Keys, publish: false);
        await back.UntilAsync(m => m.Count<GroupRelayRecord>(s_room) == 1);

        RoomInfoEvent entered = back.Raw.Events.OfType<RoomInfoEvent>().Single(e => e.Kind == RoomInfoKind.Entered && e.Room == "#r");
        (entered.Flags & RoomInfoRecord.FlagFounder).ShouldBe(0);
        back.Raw.Events.OfType<PresenceEvent>().ShouldContain(p => p.Kind == PresenceKind.Member && p.Room == "#r" && p.Name == "alice");
        var roomRecords = back.Timeline().Where(r => r.Target.Equals(s_room)).ToList(); // #lobby's records are not this room's
        roomRecords.Select(r => r.Type).ShouldBe([FrameType.CommitRelay, FrameType.CommitRelay, FrameType.GroupRelay]);
        int enteredAt = back.Raw.Events.ToList().IndexOf(entered);
        enteredAt.ShouldBeLessThan(roomRecords[0].EventIndex);
        back.Of<CommitRelayRecord>(s_room).Select(c => c.Mls).ShouldBe(commits);
        foreach (CommitRelayRecord relay in back.Of<CommitRelayRecord>(s_room))
        {
            back.Keys.Process(relay.Mls, TimeProvider.System);
        }

        ApplicationMessages.TryUnprotect(back.Keys.State!, MlsMessage.Decode(back.Last<GroupRelayRecord>(s_room).Mls), out byte[]? text, out _, out string failure).ShouldBeTrue(failure);
        System.Text.Encoding.UTF8.GetString(text!).ShouldBe("while you were away");
        await alice.UntilAsync(m => m.Raw.Events.OfType<PresenceEvent>().Any(p => p.Kind == PresenceKind.Back && p.Name == "bob"));
        output.WriteLine($"bob back at epoch {back.Keys.State!.Context.Epoch}: RoomInfo entered, then {roomRecords.Count} queued records of #r in order ({commits.Sum(c => c.Length) + message.Length} mls bytes)");
    }

    [Fact]
    public async Task A_second_link_of_a_connected_identity_replaces_the_first_with_close_14()
    {
        await using LiveServer live = LiveServer.Start();
        await using LiveGroupMember first = await LiveGroupMember.ConnectAsync(live.Port, "alice");
        await first.EnteredAsync("#lobby");

        await using LiveGroupMember second = await LiveGroupMember.ConnectAsync(live.Port, first.Keys, publish: false);
        await first.Raw.PumpUntilAsync(() => first.Raw.Session.IsEnded);

        first.Raw.Session.Failure.ShouldNotBeNull().Reason.ShouldBe(FailureReason.Replaced);
        RoomInfoEvent entered = await second.EnteredAsync("#lobby");
        entered.Flags.ShouldBe((byte)0);
        await Eventually.True(() => live.Server.Peers.Count == 1, "the replaced link to be gone", TimeSpan.FromSeconds(10));
        output.WriteLine($"the first link ended: {first.Raw.Session.Failure!.Message}");
    }
}
