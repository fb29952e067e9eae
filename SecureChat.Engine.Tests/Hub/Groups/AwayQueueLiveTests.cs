using SecureChat.Engine.Chat;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Transport;
using SecureChat.TestSupport;

namespace SecureChat.Engine.Tests.Hub.Groups;

/// <summary>
/// The away queue's bound on 127.0.0.1 with raw v4 clients and real MLS state (PROTOCOL.md 4.8, <c>AwayQueueBytes</c>):
/// a room that talks on while a member is away cannot make the hub keep more than the bound for it.
/// </summary>
public sealed class AwayQueueLiveTests(ITestOutputHelper output)
{
    private const int Bound = 40_000;
    private static readonly GroupTarget s_room = GroupTarget.ForRoom("#r");

    [Fact]
    public async Task A_room_talking_past_the_away_queue_bound_parts_the_away_member_and_it_comes_back_without_the_room()
    {
        await using LiveServer live = LiveServer.Start(new ChatOptions { AwayQueueBytes = Bound });
        await using LiveGroupMember alice = await LiveGroupMember.ConnectAsync(live.Port, "alice");
        LiveGroupMember bob = await LiveGroupMember.ConnectAsync(live.Port, "bob");
        await alice.SendAsync(chat => chat.SendRequest(RoomOp.Part, "#lobby", string.Empty, string.Empty)); // never tasked for #lobby's group
        await alice.JoinAsync("#r");
        alice.Keys.Found((await alice.EnteredAsync("#r")).GroupId!, TimeProvider.System);
        await bob.JoinAsync("#r");
        await bob.EnteredAsync("#r");
        await alice.UntilAsync(m => m.Count<GroupTaskRecord>(s_room) == 1);
        byte[] bobPackage = alice.Last<GroupTaskRecord>(s_room).Joiners.Single().KeyPackage;
        (await alice.CarryOutTaskAsync(s_room)).Status.ShouldBe(CommitStatus.Accepted);
        await bob.UntilAsync(m => OfRoom<WelcomeRelayRecord>(m, w => w.Target).Count == 1); // #lobby's group may welcome bob too
        bob.Keys.Join(OfRoom<WelcomeRelayRecord>(bob, w => w.Target).Single().Mls, bobPackage);
        bob.Raw.Abort();
        await bob.DisposeAsync();
        await alice.UntilAsync(m => m.Raw.Events.OfType<PresenceEvent>().Any(p => p.Kind == PresenceKind.Away && p.Name == "bob"));

        long sent = 0;
        for (int i = 0; i < 3; i++)
        {
            byte[] message = alice.Keys.Message(new string((char)('a' + i), 15_000));
            sent += message.Length;
            await alice.SendAsync(chat => chat.Groups.SendGroupMessage(s_room, message));
        }

        await alice.UntilAsync(m => m.Count<GroupTaskRecord>(s_room) == 2);
        PresenceEvent parted = alice.Raw.Events.OfType<PresenceEvent>().Single(p => p.Kind == PresenceKind.Parted && p.Name == "bob");
        parted.Room.ShouldBe("#r");
        parted.Text.ShouldBe("missed too much");
        GroupTaskRecord removal = alice.Last<GroupTaskRecord>(s_room);
        removal.Removals.Single().ShouldBe(Convert.FromHexString(bob.Keys.Identity));
        removal.Joiners.ShouldBeEmpty();
        (await alice.CarryOutTaskAsync(s_room)).Status.ShouldBe(CommitStatus.Accepted);

        await using LiveGroupMember back = await LiveGroupMember.ConnectAsync(live.Port, bob.Keys, publish: false);
        await back.EnteredAsync("#lobby");
        await back.Raw.PumpUntilAsync(() => false, TimeSpan.FromMilliseconds(300)).ContinueWith(_ => { }); // anything queued would have come by now
        back.Raw.Events.OfType<RoomInfoEvent>().ShouldNotContain(e => e.Room == "#r");
        OfRoom<CommitRelayRecord>(back, r => r.Target).ShouldBeEmpty();
        OfRoom<GroupRelayRecord>(back, r => r.Target).ShouldBeEmpty();
        output.WriteLine($"bound {Bound:N0} mls bytes; alice sent 3 messages ({sent:N0} mls bytes) while bob was away: bob parted from #r ('{parted.Text}'), removed at epoch {alice.Keys.State!.Context.Epoch}, and back with #lobby only and no queued record");
    }

    private static List<T> OfRoom<T>(LiveGroupMember member, Func<T, GroupTarget> target) =>
        [.. member.Records.Of<T>().Where(r => target(r).Equals(s_room))];
}
