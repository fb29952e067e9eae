using System.Diagnostics;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Mls.Group;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Transport;
using SecureChat.TestSupport;

namespace SecureChat.Engine.Tests.Hub.Groups;

/// <summary>
/// The hub as MLS delivery service on 127.0.0.1 (PROTOCOL.md 4.8): raw v4 clients with real MLS state form a room
/// group through the hub's GroupTasks and exchange PrivateMessages; commits and messages that break the hub's rules are
/// refused and reach nobody.
/// </summary>
public sealed class HubGroupLiveTests(ITestOutputHelper output)
{
    private static readonly GroupTarget s_room = GroupTarget.ForRoom("#r");

    /// <summary>
    /// The first member founds #r; each other enters it and is added by the task the founder gets. Every member is in
    /// #lobby too, whose group the hub's operator forms: its tasks, commits and Welcomes reach these links as well, so
    /// each step looks at #r's records only.
    /// </summary>
    private static async Task FormAsync(LiveGroupMember founder, params LiveGroupMember[] joiners)
    {
        await founder.JoinAsync("#r");
        RoomInfoEvent entered = await founder.EnteredAsync("#r");
        (entered.Flags & RoomInfoRecord.FlagFounder).ShouldNotBe(0);
        founder.Keys.Found(entered.GroupId!, TimeProvider.System);
        foreach (LiveGroupMember joiner in joiners)
        {
            int tasks = founder.Count<GroupTaskRecord>(s_room);
            await joiner.JoinAsync("#r");
            (await joiner.EnteredAsync("#r")).Flags.ShouldBe((byte)0);
            await founder.UntilAsync(m => m.Count<GroupTaskRecord>(s_room) > tasks);
            byte[] keyPackage = founder.Last<GroupTaskRecord>(s_room).Joiners.Single().KeyPackage;
            (await founder.CarryOutTaskAsync(s_room)).Status.ShouldBe(CommitStatus.Accepted);
            await joiner.UntilAsync(m => m.Count<WelcomeRelayRecord>(s_room) == 1);
            joiner.Keys.Join(joiner.Last<WelcomeRelayRecord>(s_room).Mls, keyPackage);
        }
    }

    [Fact]
    public async Task Three_raw_members_form_a_room_group_through_the_hub_s_tasks_and_exchange_a_private_message()
    {
        await using LiveServer live = LiveServer.Start();
        await using LiveGroupMember alice = await LiveGroupMember.ConnectAsync(live.Port, "alice");
        await using LiveGroupMember bob = await LiveGroupMember.ConnectAsync(live.Port, "bob");
        await using LiveGroupMember carol = await LiveGroupMember.ConnectAsync(live.Port, "carol");
        var clock = Stopwatch.StartNew();

        await FormAsync(alice, bob);
        await alice.JoinAsync("#r");
        int tasks = alice.Count<GroupTaskRecord>(s_room);
        await carol.JoinAsync("#r");
        await alice.UntilAsync(m => m.Count<GroupTaskRecord>(s_room) > tasks);
        byte[] carolPackage = alice.Last<GroupTaskRecord>(s_room).Joiners.Single().KeyPackage;
        (await alice.CarryOutTaskAsync(s_room)).Epoch.ShouldBe(2UL);
        await bob.UntilAsync(m => m.Count<CommitRelayRecord>(s_room) == 1);
        bob.Last<CommitRelayRecord>(s_room).Name.ShouldBe("alice");
        bob.Keys.Process(bob.Last<CommitRelayRecord>(s_room).Mls, TimeProvider.System);
        await carol.UntilAsync(m => m.Count<WelcomeRelayRecord>(s_room) == 1);
        carol.Keys.Join(carol.Last<WelcomeRelayRecord>(s_room).Mls, carolPackage);
        output.WriteLine($"three members in #r's group at epoch 2 after {clock.ElapsedMilliseconds} ms (two tasks, two commits)");

        byte[] message = bob.Keys.Message("hello from bob");
        await bob.SendAsync(chat => chat.Groups.SendGroupMessage(s_room, message));
        foreach (LiveGroupMember reader in new[] { alice, carol })
        {
            await reader.UntilAsync(m => m.Count<GroupRelayRecord>(s_room) == 1);
            GroupRelayRecord relay = reader.Last<GroupRelayRecord>(s_room);
            relay.Name.ShouldBe("bob");
            relay.Mls.ShouldBe(message);
            ApplicationMessages.TryUnprotect(reader.Keys.State!, MlsMessage.Decode(relay.Mls), out byte[]? text, out _, out string failure).ShouldBeTrue(failure);
            System.Text.Encoding.UTF8.GetString(text!).ShouldBe("hello from bob");
        }

        output.WriteLine($"a {message.Length}-byte PrivateMessage relayed to alice and carol; the hub read none of it");
        bob.Count<GroupRelayRecord>(s_room).ShouldBe(0);
    }

    [Fact]
    public async Task A_commit_adding_a_key_package_the_hub_did_not_hand_out_is_refused_and_relayed_to_nobody()
    {
        await using LiveServer live = LiveServer.Start();
        await using LiveGroupMember alice = await LiveGroupMember.ConnectAsync(live.Port, "alice");
        await using LiveGroupMember bob = await LiveGroupMember.ConnectAsync(live.Port, "bob");
        await FormAsync(alice, bob);
        var mallory = new DsMember("mallory");

        var smuggled = alice.Keys.BuildCommit([], [mallory.NewKeyPackage(TimeProvider.System)], TimeProvider.System);
        CommitResultRecord result = await alice.CommitAsync(s_room, smuggled.Commit, smuggled.Welcome);

        output.WriteLine($"a commit adding mallory's own key package: CommitResult {result.Status}, the group stays at epoch {result.Epoch}");
        result.Status.ShouldBe(CommitStatus.Refused);
        result.Epoch.ShouldBe(1UL);
        var honest = alice.Keys.BuildCommit([], [], TimeProvider.System);
        (await alice.CommitAsync(s_room, honest.Commit, honest.Welcome)).Status.ShouldBe(CommitStatus.Accepted);
        await bob.UntilAsync(m => m.Count<CommitRelayRecord>(s_room) == 1);
        bob.Last<CommitRelayRecord>(s_room).Mls.ShouldBe(honest.Commit); // the refused one never reached bob
    }

    [Fact]
    public async Task Of_two_commits_for_one_epoch_the_first_is_accepted_and_the_second_is_stale()
    {
        await using LiveServer live = LiveServer.Start();
        await using LiveGroupMember alice = await LiveGroupMember.ConnectAsync(live.Port, "alice");
        await using LiveGroupMember bob = await LiveGroupMember.ConnectAsync(live.Port, "bob");
        await FormAsync(alice, bob);
        var fromAlice = alice.Keys.BuildCommit([], [], TimeProvider.System);
        var fromBob = bob.Keys.BuildCommit([], [], TimeProvider.System);

        CommitResultRecord first = await alice.CommitAsync(s_room, fromAlice.Commit, fromAlice.Welcome);
        CommitResultRecord second = await bob.CommitAsync(s_room, fromBob.Commit, fromBob.Welcome);

        output.WriteLine($"two commits for epoch 1: alice's {first.Status} (epoch {first.Epoch}), bob's {second.Status} (epoch {second.Epoch})");
        first.Status.ShouldBe(CommitStatus.Accepted);
        second.Status.ShouldBe(CommitStatus.Stale);
        second.Epoch.ShouldBe(2UL);
        await bob.UntilAsync(m => m.Count<CommitRelayRecord>(s_room) == 1);
        alice.Count<CommitRelayRecord>(s_room).ShouldBe(0);
    }

    [Fact]
    public async Task A_group_message_from_a_non_member_is_refused_and_reaches_nobody()
    {
        await using LiveServer live = LiveServer.Start();
        await using LiveGroupMember alice = await LiveGroupMember.ConnectAsync(live.Port, "alice");
        await using LiveGroupMember bob = await LiveGroupMember.ConnectAsync(live.Port, "bob");
        await using LiveGroupMember mallory = await LiveGroupMember.ConnectAsync(live.Port, "mallory");
        await FormAsync(alice, bob);
        RoomInfoEvent entered = alice.Raw.Events.OfType<RoomInfoEvent>().Last(e => e.Room == "#r");
        mallory.Keys.Found(entered.GroupId!, TimeProvider.System); // her own group under the room's group_id, at epoch 0

        await mallory.SendAsync(chat => chat.Groups.SendGroupMessage(s_room, mallory.Keys.Message("let me in")));
        await mallory.UntilAsync(m => m.Raw.Events.OfType<ReplyEvent>().Any(r => r.Op == (byte)FrameType.GroupMessage));
        ReplyEvent reply = mallory.Raw.Events.OfType<ReplyEvent>().Last(r => r.Op == (byte)FrameType.GroupMessage);
        byte[] fromBob = bob.Keys.Message("only this");
        await bob.SendAsync(chat => chat.Groups.SendGroupMessage(s_room, fromBob));
        await alice.UntilAsync(m => m.Count<GroupRelayRecord>(s_room) >= 1);

        output.WriteLine($"mallory's GroupMessage to #r: Reply {reply.Code}; alice then got {alice.Count<GroupRelayRecord>(s_room)} relay, bob's");
        reply.Code.ShouldBe(ReplyCode.NotMember);
        alice.Of<GroupRelayRecord>(s_room).ShouldHaveSingleItem().Mls.ShouldBe(fromBob);
        live.HasFailureFor(mallory.Raw.LocalPort).ShouldBeFalse();
    }
}
