using System.Diagnostics;
using System.Text;
using SecureChat.Engine.Groups;
using SecureChat.Engine.Mls.Group;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Tests.Hub;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// Room groups on a real hub on 127.0.0.1 with real clients (PROTOCOL.md 4.8, 4.9): three members chat in order; a
/// hub that copies a room's messages to an outsider, reorders or drops commits is caught or gains nothing; a kicked
/// member that kept its group state cannot read what follows.
/// </summary>
public sealed class RoomGroupAttackTests(ITestOutputHelper output)
{
    private const string Room = "#r";
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Three_clients_in_a_room_each_see_the_other_two_s_messages_in_the_order_sent()
    {
        await using LiveHub hub = await LiveHub.StartAsync("Alice", "Bob", "Carol");
        LiveMember[] all = [.. hub.Members];
        foreach (LiveMember member in all)
        {
            await member.JoinAsync(Room);
        }

        var clock = Stopwatch.StartNew();
        ulong epoch = await RoomGroupLive.UntilGroupAsync(Room, all);
        TimeSpan formed = clock.Elapsed;
        const int Each = 10;
        clock.Restart();
        for (int i = 0; i < Each; i++)
        {
            foreach (LiveMember member in all)
            {
                await member.Client.SendAsync(Room, $"{member.Client.Name} says {i}");
            }
        }

        foreach (LiveMember member in all)
        {
            foreach (LiveMember other in all.Where(o => o != member))
            {
                await member.MessageAsync($"{other.Client.Name} says {Each - 1}").WaitAsync(s_wait);
            }
        }

        TimeSpan delivered = clock.Elapsed;
        foreach (LiveMember member in all)
        {
            member.Messages.Where(m => m.Room == Room && m.Sender == member.Client.Name).ShouldBeEmpty("nobody hears itself");
            foreach (LiveMember other in all.Where(o => o != member))
            {
                member.Messages.Where(m => m.Room == Room && m.Sender == other.Client.Name).Select(m => m.Text)
                    .ShouldBe(Enumerable.Range(0, Each).Select(i => $"{other.Client.Name} says {i}"), $"{member.Client.Name} hears {other.Client.Name} in order");
                member.Messages.Where(m => m.Sender == other.Client.Name).ShouldAllBe(m => m.SenderIdentity == other.Identity);
            }

            member.Failures.ShouldBeEmpty();
        }

        hub.AtOperator.ShouldNotContain(m => m.Room == Room);
        output.WriteLine($"{Room}'s group of 3 formed at epoch {epoch} in {formed.TotalMilliseconds:F0} ms; " +
            $"{Each * all.Length} texts, each heard by the other two in order, in {delivered.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task A_hub_that_copies_a_room_s_messages_to_an_outsider_gives_it_ciphertext_it_cannot_read_and_no_member_sees_it_added()
    {
        await using LiveHub hub = await LiveHub.StartAsync("Alice", "Bob", "Mallory");
        var (alice, bob, mallory) = hub;
        await alice.JoinAsync(Room);
        await bob.JoinAsync(Room);
        await RoomGroupLive.UntilGroupAsync(Room, alice, bob);
        var atAlice = HubInside.Notices(alice.Client);
        var atBob = HubInside.Notices(bob.Client);
        var atMallory = HubInside.Notices(mallory.Client);

        // The hub adds Mallory to the room without a commit: every GroupRelay for Bob goes to Mallory's link too.
        TamperingOutput toBob = HubInside.Tamper(hub.Server, "Bob");
        toBob.CopyGroupRelaysTo = HubInside.MemberNamed(hub.Server, "Mallory").Output;
        try
        {
            const string Secret = "the launch code is 4711";
            await alice.Client.SendAsync(Room, Secret);
            await bob.MessageAsync(Secret).WaitAsync(s_wait);
            await Eventually.True(() => atMallory.Any(GroupNoticeKind.Dropped, Room), "Mallory's book to drop the copied message", s_wait);

            GroupRelayRecord copied = toBob.GroupRelays.ShouldHaveSingleItem();
            Encoding.UTF8.GetString(copied.Mls).ShouldNotContain("launch code");
            mallory.Got(Secret).ShouldBeFalse();
            mallory.Messages.ShouldNotContain(m => m.Room == Room);
            RoomGroupLive.GroupAt(mallory, Room).ShouldBeNull("Mallory holds no keys of the room's group");
            atAlice.Any(GroupNoticeKind.MemberAdded, Room).ShouldBeFalse();
            atBob.Any(GroupNoticeKind.MemberAdded, Room).ShouldBeFalse();
            RoomGroupLive.GroupAt(alice, Room)!.Value.Members.ShouldNotContain(RoomGroupLive.Hex(mallory), "the group Alice encrypts to is Alice and Bob");
            GroupNotice dropped = atMallory.First(n => n.Kind == GroupNoticeKind.Dropped);
            output.WriteLine($"Mallory got a {copied.Mls.Length}-byte PrivateMessage; its book: \"{dropped.Text}\"; " +
                $"members Alice's group encrypts to: {RoomGroupLive.GroupAt(alice, Room)!.Value.Members.Count}");
        }
        finally
        {
            HubInside.Restore(hub.Server, "Bob");
        }
    }

    [Fact]
    public async Task A_hub_that_relays_two_commits_in_the_wrong_order_makes_the_member_report_a_fork_and_resync_back_into_the_group()
    {
        await using LiveHub hub = await LiveHub.StartAsync("Alice", "Bob", "Carol", "Dave", "Erin");
        LiveMember[] m = [.. hub.Members];
        var (alice, bob, carol, dave, erin) = (m[0], m[1], m[2], m[3], m[4]);
        await JoinAllAsync(alice, bob, carol);
        var atCarol = HubInside.Notices(carol.Client);
        TamperingOutput toCarol = HubInside.Tamper(hub.Server, "Carol");
        toCarol.OnCommitRelay = _ => false;
        try
        {
            await dave.JoinAsync(Room);
            await RoomGroupLive.UntilGroupAsync(Room, [alice, bob, dave], [alice, bob, carol, dave]);
            await erin.JoinAsync(Room);
            await RoomGroupLive.UntilGroupAsync(Room, [alice, bob, dave, erin], [alice, bob, carol, dave, erin]);
            CommitRelayRecord[] held = [.. toCarol.CommitRelays];
            held.Length.ShouldBe(2);

            toCarol.OnCommitRelay = _ => true;
            toCarol.Inner.SendCommitRelay(held[1]);
            toCarol.Inner.SendCommitRelay(held[0]);
            await AfterAttackAsync(atCarol, "reordered", alice, bob, carol, dave, erin);
        }
        finally
        {
            HubInside.Restore(hub.Server, "Carol");
        }
    }

    [Fact]
    public async Task A_hub_that_drops_a_commit_makes_the_member_report_a_fork_and_resync_back_into_the_group()
    {
        await using LiveHub hub = await LiveHub.StartAsync("Alice", "Bob", "Carol", "Dave", "Erin");
        LiveMember[] m = [.. hub.Members];
        var (alice, bob, carol, dave, erin) = (m[0], m[1], m[2], m[3], m[4]);
        await JoinAllAsync(alice, bob, carol);
        var atCarol = HubInside.Notices(carol.Client);
        int seen = 0;
        TamperingOutput toCarol = HubInside.Tamper(hub.Server, "Carol");
        toCarol.OnCommitRelay = _ => Interlocked.Increment(ref seen) != 1;
        try
        {
            await dave.JoinAsync(Room);
            await RoomGroupLive.UntilGroupAsync(Room, [alice, bob, dave], [alice, bob, carol, dave]);
            await erin.JoinAsync(Room);
            await AfterAttackAsync(atCarol, "dropped", alice, bob, carol, dave, erin);
            toCarol.CommitRelays.Count.ShouldBeGreaterThanOrEqualTo(2);
        }
        finally
        {
            HubInside.Restore(hub.Server, "Carol");
        }
    }

    [Fact]
    public async Task A_kicked_member_that_kept_its_group_state_cannot_decrypt_the_room_s_next_messages()
    {
        await using LiveHub hub = await LiveHub.StartAsync("Alice", "Bob", "Carol");
        var (alice, bob, carol) = hub;
        await JoinAllAsync(alice, bob, carol);
        await alice.Client.SendAsync(Room, "before the kick");
        await carol.MessageAsync("before the kick").WaitAsync(s_wait);

        // Carol keeps a copy of its state of the room's group, as a removed member that wants to go on reading would.
        byte[] kept = HubInside.GroupsOf(carol.Client).Use(book => GroupStateCodec.Encode(book.StateOf(GroupTarget.ForRoom(Room))!));
        TamperingOutput toBob = HubInside.Tamper(hub.Server, "Bob");
        try
        {
            alice.Client.Request(new RoomRequest(RoomOp.Kick, Room, "Carol", "out"));
            await carol.NoticeAsync(RoomNoticeKind.Kicked, Room).WaitAsync(s_wait);
            ulong epoch = await RoomGroupLive.UntilGroupAsync(Room, alice, bob);
            await alice.Client.SendAsync(Room, "after the kick");
            await bob.MessageAsync("after the kick").WaitAsync(s_wait);
            GroupRelayRecord after = toBob.GroupRelays.Last();

            GroupStateCodec.TryDecode(kept, out GroupState? state, out string failure).ShouldBeTrue(failure);
            using (state)
            {
                ApplicationMessages.TryUnprotect(state!, MlsMessage.Decode(after.Mls), out byte[]? text, out _, out string why).ShouldBeFalse();
                text.ShouldBeNull();
                output.WriteLine($"Carol's kept state is at epoch {state!.Epoch}, the room's group at {epoch}; " +
                    $"the {after.Mls.Length}-byte message after the kick: \"{why}\"");
            }

            // Handed to Carol's own book as its link would, the message is dropped, not shown.
            HubInside.GroupsOf(carol.Client).GroupRelayReceived(after);
            carol.Got("after the kick").ShouldBeFalse();
        }
        finally
        {
            HubInside.Restore(hub.Server, "Bob");
        }
    }

    private static async Task JoinAllAsync(params LiveMember[] members)
    {
        foreach (LiveMember member in members)
        {
            await member.JoinAsync(Room);
        }

        await RoomGroupLive.UntilGroupAsync(Room, members);
    }

    /// <summary>Carol reports a fork, asks for a resync, is back in the group with everyone and reads the next text.</summary>
    private async Task AfterAttackAsync(System.Collections.Concurrent.ConcurrentQueue<GroupNotice> atCarol, string how, params LiveMember[] all)
    {
        var clock = Stopwatch.StartNew();
        GroupNotice fork = await Eventually.Value(() => atCarol.FirstOrDefault(n => n.Kind == GroupNoticeKind.Forked), "Carol to report a fork", s_wait);
        ulong epoch = await RoomGroupLive.UntilGroupAsync(Room, all);
        TimeSpan back = clock.Elapsed;
        await all[0].Client.SendAsync(Room, $"after the {how} commit");
        await all[2].MessageAsync($"after the {how} commit").WaitAsync(s_wait);
        output.WriteLine($"Carol: \"{fork.Text}\"; back in the group of {all.Length} at epoch {epoch} {back.TotalMilliseconds:F0} ms after the fork was reported; " +
            $"notices: {string.Join(", ", atCarol.Select(n => n.Kind))}");
    }
}
