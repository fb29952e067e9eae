using System.Collections.Concurrent;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Groups;
using SecureChat.Engine.Hub;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Tests.Support;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Hub;

/// <summary>Rooms, direct messages and moderation on a real hub over 127.0.0.1, with real clients.</summary>
public sealed class HubLiveTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Three_clients_in_two_rooms_each_see_only_the_rooms_they_are_in()
    {
        await using LiveHub hub = await LiveHub.StartAsync("Alice", "Bob", "Carol");
        var (alice, bob, carol) = hub;
        await alice.JoinAsync("#rust");
        await bob.JoinAsync("#rust");
        await carol.JoinAsync("#go");

        await alice.Client.SendAsync("#rust", "borrow checker");
        await carol.Client.SendAsync("#go", "goroutines");
        await alice.Client.SendAsync("#lobby", "end of alice");
        await carol.Client.SendAsync("#lobby", "end of carol");

        (await bob.MessageAsync("borrow checker")).Room.ShouldBe("#rust");
        await bob.MessageAsync("end of carol");
        await carol.MessageAsync("end of alice");
        await alice.MessageAsync("end of carol");
        await Eventually.True(() => hub.AtOperator.Any(m => m.Text == "end of carol") && hub.AtOperator.Any(m => m.Text == "end of alice"), "the operator to hear both ends");
        bob.Got("goroutines").ShouldBeFalse();
        carol.Got("borrow checker").ShouldBeFalse();
        alice.Got("goroutines").ShouldBeFalse();
        hub.AtOperator.Select(m => m.Text).ShouldBe(["end of alice", "end of carol"], ignoreOrder: true);
        hub.AtOperator.ShouldAllBe(m => m.Room == "#lobby");
        alice.Client.Rooms.ShouldBe(["#lobby", "#rust"]);
    }

    [Fact]
    public async Task The_operator_of_a_room_lists_the_rooms_and_stays_connected()
    {
        await using LiveHub hub = await LiveHub.StartAsync("Alice");
        LiveMember alice = hub.Members[0];
        await alice.JoinAsync("#rust"); // Alice creates it: she is its operator
        alice.Client.Request(new RoomRequest(RoomOp.Mode, "#rust", Text: "+i"));
        await alice.NoticeAsync(RoomNoticeKind.Mode, "#rust");

        alice.Client.Request(new RoomRequest(RoomOp.List, string.Empty));

        RoomNotice end = await Eventually.Value(() => alice.Rooms.FirstOrDefault(r => r.Kind == RoomNoticeKind.ListEnd), "the end of the list");
        end.Members.ShouldBe(2);
        RoomNotice[] listed = [.. alice.Rooms.Where(r => r.Kind == RoomNoticeKind.Listed)];
        output.WriteLine(string.Join(", ", listed.Select(r => $"{r.Room} {r.Members} invite-only={r.InviteOnly}")));
        listed.Select(r => r.Room).ShouldBe(["#lobby", "#rust"], ignoreOrder: true);
        listed.Single(r => r.Room == "#rust").InviteOnly.ShouldBeTrue();
        alice.Failures.ShouldBeEmpty();
        await alice.Client.SendAsync("#rust", "still here");
        alice.Client.CanSend.ShouldBeTrue();
    }

    [Fact]
    public async Task A_direct_message_reaches_only_its_recipient_and_the_sender_learns_the_recipient_s_identity()
    {
        await using LiveHub hub = await LiveHub.StartAsync("Alice", "Bob", "Carol");
        var (alice, bob, carol) = hub;
        await hub.InOneEpochAsync("#lobby");

        await alice.Client.SendDirectAsync(new Person("bob"), "just between us");
        await alice.Client.SendAsync("#lobby", "after the secret");

        ChatMessage direct = await bob.MessageAsync("just between us");
        direct.Direct.ShouldBeTrue();
        direct.Room.ShouldBeNull();
        direct.SenderIdentity.ShouldBe(alice.Identity);
        GroupTarget withBob = GroupTarget.ForPerson(IdentityFingerprint.IdentityDigest(bob.Key.PublicKey));
        await Eventually.True(() => alice.Client.GroupOf(withBob) is { Status: MemberGroupStatus.Member, Leaves: 2 }, "Alice's text to the name Bob to be in the group of Bob's identity");
        alice.Replies.ShouldNotContain(r => r.ForDirect, "a delivered text is answered by nothing but its GroupRelay");
        await carol.MessageAsync("after the secret");
        await Eventually.True(() => hub.AtOperator.Any(m => m.Text == "after the secret"), "the operator to hear the lobby line");
        carol.Got("just between us").ShouldBeFalse();
        hub.AtOperator.ShouldNotContain(m => m.Text == "just between us");
    }

    [Fact]
    public async Task A_rename_does_not_redirect_a_direct_message_sent_to_an_identity()
    {
        await using LiveHub hub = await LiveHub.StartAsync("Alice", "Bob", "Mallory");
        var (alice, bob, mallory) = hub;

        bob.Client.ChangeName("Robert");
        await Eventually.True(() => alice.Presence.Any(p => p.Kind == PresenceKind.Renamed && p.NewName == "Robert"), "Bob's rename to be told");
        mallory.Client.ChangeName("Bob");
        await Eventually.True(() => alice.Presence.Any(p => p.Kind == PresenceKind.Renamed && p.NewName == "Bob"), "Mallory to take the name Bob");

        await alice.Client.SendDirectAsync(new Person("Bob", bob.Identity), "for the real Bob");
        await alice.Client.SendAsync("#lobby", "after");

        (await bob.MessageAsync("for the real Bob")).Direct.ShouldBeTrue();
        await mallory.MessageAsync("after");
        mallory.Got("for the real Bob").ShouldBeFalse();
    }

    [Fact]
    public async Task A_kicked_client_is_out_of_the_room_and_told_why_by_whom()
    {
        await using LiveHub hub = await LiveHub.StartAsync("Alice", "Bob");
        var (alice, bob) = hub;
        await alice.JoinAsync("#rust");
        await bob.JoinAsync("#rust");

        alice.Client.Request(new RoomRequest(RoomOp.Kick, "#rust", "Bob", "off topic"));

        RoomNotice kicked = await bob.NoticeAsync(RoomNoticeKind.Kicked, "#rust");
        (kicked.Actor, kicked.ActorIdentity, kicked.Target, kicked.TargetIdentity, kicked.Text).ShouldBe(("Alice", alice.Identity, "Bob", bob.Identity, "off topic"));
        await Eventually.True(() => !bob.Client.Rooms.Contains("#rust"), "Bob's rooms to lose #rust");
        await bob.Client.SendAsync("#rust", "still here?");
        (await bob.ReplyAsync(r => r.Code == ReplyCode.NotMember, "not a member")).Room.ShouldBe("#rust");
        await bob.Client.SendAsync("#lobby", "fine, lobby then");
        await alice.MessageAsync("fine, lobby then");
        alice.Got("still here?").ShouldBeFalse();
    }

    [Fact]
    public async Task A_banned_identity_cannot_rejoin_under_another_name_nor_after_the_hub_restarts()
    {
        using var config = new TempDirectory();
        using var operatorKey = new EphemeralSigner();
        byte[] mallorySeed = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        int port;
        await using (ChatServer first = LiveHub.StartServer(out port, config.Path, operatorKey))
        {
            await using LiveMember alice = await LiveMember.ConnectAsync(port, "Alice");
            await alice.JoinAsync("#rust");
            await using (LiveMember mallory = await LiveMember.ConnectAsync(port, "Mallory", mallorySeed))
            {
                await mallory.JoinAsync("#rust");
                alice.Client.Request(new RoomRequest(RoomOp.Ban, "#rust", "Mallory"));
                (await mallory.NoticeAsync(RoomNoticeKind.Banned, "#rust")).TargetIdentity.ShouldBe(mallory.Identity);
            }

            await using LiveMember again = await LiveMember.ConnectAsync(port, "Innocent", mallorySeed);
            again.Client.Request(new RoomRequest(RoomOp.Join, "#RUST"));
            (await again.ReplyAsync(r => r.Op == RoomOp.Join, "the join")).Code.ShouldBe(ReplyCode.Banned);
        }

        await using ChatServer second = LiveHub.StartServer(out port, config.Path, operatorKey);
        await using LiveMember afterRestart = await LiveMember.ConnectAsync(port, "Someone", mallorySeed);
        afterRestart.Client.Request(new RoomRequest(RoomOp.Join, "#rust"));
        (await afterRestart.ReplyAsync(r => r.Op == RoomOp.Join, "the join after the restart")).Code.ShouldBe(ReplyCode.Banned);
        await using LiveMember other = await LiveMember.ConnectAsync(port, "Other");
        await other.JoinAsync("#rust");
        output.WriteLine($"bans file after the restart: {File.ReadAllLines(Path.Combine(config.Path, RoomBanFile.FileName)).Count(l => !l.StartsWith('#'))} ban(s)");
    }

    [Fact]
    public async Task A_muted_member_s_lines_reach_nobody_and_it_is_told()
    {
        await using LiveHub hub = await LiveHub.StartAsync("Alice", "Bob", "Carol");
        var (alice, bob, carol) = hub;

        hub.Server.Request(new RoomRequest(RoomOp.Mute, "#lobby", "Bob"));
        await bob.NoticeAsync(RoomNoticeKind.Muted, "#lobby");
        await bob.Client.SendAsync("#lobby", "SHOUTING");
        (await bob.ReplyAsync(r => r.Code == ReplyCode.Muted, "muted")).Room.ShouldBe("#lobby");
        await bob.Client.SendDirectAsync(new Person("Carol"), "after the shout");

        await carol.MessageAsync("after the shout");
        carol.Got("SHOUTING").ShouldBeFalse();
        alice.Got("SHOUTING").ShouldBeFalse();
        hub.AtOperator.ShouldNotContain(m => m.Text == "SHOUTING");
    }

    [Fact]
    public async Task The_operator_is_a_member_with_its_own_rooms_and_direct_messages()
    {
        await using ChatServer server = LiveHub.StartServer(out int port);
        var atOperator = new ConcurrentQueue<ChatMessage>();
        var operatorRooms = new ConcurrentQueue<RoomNotice>();
        server.MessageReceived += atOperator.Enqueue;
        server.RoomChanged += operatorRooms.Enqueue;
        await using LiveMember alice = await LiveMember.ConnectAsync(port, "Alice");
        await using LiveMember bob = await LiveMember.ConnectAsync(port, "Bob");

        server.Request(new RoomRequest(RoomOp.Join, "#ops"));
        await Eventually.True(() => operatorRooms.Any(r => r.Kind == RoomNoticeKind.Entered && r.Room == "#ops" && r.Operator), "the operator to enter #ops");
        server.Rooms.ShouldBe(["#lobby", "#ops"]);
        await alice.JoinAsync("#ops");
        await server.SendAsync("#ops", "ops only");
        await server.SendDirectAsync(new Person("Bob"), "hello Bob");
        await bob.Client.SendDirectAsync(new Person(server.Name), "hello operator");
        await server.SendAsync("#lobby", "to everyone");

        ChatMessage inOps = await alice.MessageAsync("ops only");
        (inOps.Room, inOps.Sender).ShouldBe(("#ops", "Hub"));
        (await bob.MessageAsync("hello Bob")).Direct.ShouldBeTrue();
        ChatMessage toOperator = await Eventually.Value(() => atOperator.FirstOrDefault(m => m.Text == "hello operator"), "the operator's direct message");
        (toOperator.Direct, toOperator.SenderIdentity).ShouldBe((true, bob.Identity));
        await bob.MessageAsync("to everyone");
        bob.Got("ops only").ShouldBeFalse();
    }
}
