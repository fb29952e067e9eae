using System.Collections.Concurrent;
using System.Diagnostics;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Tests.Support;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Hub;

/// <summary>
/// Live attacks on a hub's rooms over 127.0.0.1: a modified client seals records an honest one never sends (chat to a
/// room it is not in, moderation of others' rooms, floods of requests, joins past the room limit). Each is refused,
/// the attacker's session goes on where that is the rule, and every other member keeps chatting.
/// </summary>
public sealed class HubAttackTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_client_chatting_into_a_room_it_is_not_in_reaches_nobody_and_its_session_goes_on()
    {
        await using LiveHub hub = await LiveHub.StartAsync("Alice", "Bob");
        var (alice, bob) = hub;
        await alice.JoinAsync("#secret");
        await bob.JoinAsync("#secret");
        await using RawMember mallory = await RawMember.ConnectAsync(hub.Port, "Mallory");

        // Room text travels only in the room's MLS group: what Mallory can send is a GroupMessage it is no member for.
        await mallory.SendAsync(c => c.Groups.SendGroupMessage(GroupTarget.ForRoom("#secret"), ForgedMls.PrivateMessage()));
        ReplyEvent? reply = await mallory.WaitAsync<ReplyEvent>(_ => true);
        await mallory.SendAsync(c => c.SendRequest(RoomOp.List, "", "", ""));
        RoomInfoEvent? listed = await mallory.WaitAsync<RoomInfoEvent>(r => r.Kind == RoomInfoKind.ListEnd);

        reply.ShouldNotBeNull();
        (reply.Code, reply.Op, reply.Room).ShouldBe((ReplyCode.NotMember, ReplyRecord.OpGroupMessage, "#secret"));
        listed.ShouldNotBeNull("the session goes on: the hub answers the next request");
        mallory.Raw.Session.IsSecure.ShouldBeTrue();
        await alice.Client.SendAsync("#secret", "members only");
        await bob.MessageAsync("members only");
        alice.Messages.ShouldNotContain(m => m.Room == "#secret" && m.Sender == "Mallory");
        bob.Messages.ShouldNotContain(m => m.Room == "#secret" && m.Sender == "Mallory");
    }

    [Fact]
    public async Task Moderation_requests_for_a_room_by_someone_who_is_not_its_operator_are_refused()
    {
        await using LiveHub hub = await LiveHub.StartAsync("Alice", "Bob");
        var (alice, bob) = hub;
        await alice.JoinAsync("#secret");
        await bob.JoinAsync("#secret");
        await using RawMember mallory = await RawMember.ConnectAsync(hub.Port, "Mallory");

        await mallory.SendAsync(c => c.SendRequest(RoomOp.Kick, "#secret", "Alice", "bye"));
        await mallory.SendAsync(c => c.SendRequest(RoomOp.Join, "#secret", "", ""));
        await mallory.SendAsync(c =>
        {
            c.SendRequest(RoomOp.Kick, "#secret", "Alice", "bye");
            c.SendRequest(RoomOp.Ban, "#secret", "Bob", "");
            c.SendRequest(RoomOp.Mute, "#secret", "Bob", "");
            c.SendRequest(RoomOp.Op, "#secret", "Mallory", "");
            c.SendRequest(RoomOp.Topic, "#secret", "", "owned");
            c.SendRequest(RoomOp.Mode, "#secret", "", "+i");
            c.SendRequest(RoomOp.Kick, "#lobby", "Hub", "");
        });
        (await mallory.WaitAsync<ReplyEvent>(_ => mallory.Seen.OfType<ReplyEvent>().Count() == 8)).ShouldNotBeNull();
        List<(ReplyCode, RoomOp)> codes = [.. mallory.Seen.OfType<ReplyEvent>().Select(r => (r.Code, (RoomOp)r.Op))];

        output.WriteLine(string.Join(", ", codes));
        codes.ShouldBe([
            (ReplyCode.NotMember, RoomOp.Kick),
            (ReplyCode.NotOperator, RoomOp.Kick),
            (ReplyCode.NotOperator, RoomOp.Ban),
            (ReplyCode.NotOperator, RoomOp.Mute),
            (ReplyCode.NotOperator, RoomOp.Op),
            (ReplyCode.NotOperator, RoomOp.Topic),
            (ReplyCode.NotOperator, RoomOp.Mode),
            (ReplyCode.NotOperator, RoomOp.Kick),
        ]);
        await alice.Client.SendAsync("#secret", "still here");
        await bob.MessageAsync("still here");
        alice.Rooms.ShouldNotContain(r => r.Kind != RoomNoticeKind.Entered);
        bob.Rooms.ShouldNotContain(r => r.Kind != RoomNoticeKind.Entered);
    }

    [Fact]
    public async Task A_burst_of_requests_is_answered_rate_limited_and_a_flood_ends_only_the_flooder_s_session()
    {
        await using ChatServer server = LiveHub.StartServer(out int port);
        var failures = new ConcurrentQueue<SessionFailure>();
        server.Failed += (_, f) => failures.Enqueue(f);
        await using LiveMember alice = await LiveMember.ConnectAsync(port, "Alice");
        await using LiveMember bob = await LiveMember.ConnectAsync(port, "Bob");
        await using RawMember eager = await RawMember.ConnectAsync(port, "Eager");
        await using RawMember flooder = await RawMember.ConnectAsync(port, "Flooder");

        await eager.SendAsync(c =>
        {
            for (int i = 0; i < 25; i++)
            {
                c.SendRequest(RoomOp.Part, "#nowhere", "", "");
            }
        });
        await eager.WaitAsync<ReplyEvent>(_ => eager.Seen.OfType<ReplyEvent>().Count() == 25);
        var stopwatch = Stopwatch.StartNew();
        await flooder.SendAsync(c =>
        {
            for (int i = 0; i < 1000; i++)
            {
                c.SendRequest(RoomOp.List, "", "", "");
            }
        });
        (await flooder.WaitAsync<ReplyEvent>(_ => false)).ShouldBeNull(); // read until the hub ends the session
        stopwatch.Stop();

        int limited = eager.Seen.OfType<ReplyEvent>().Count(r => r.Code == ReplyCode.RateLimited);
        int lists = flooder.Seen.OfType<RoomInfoEvent>().Count(r => r.Kind == RoomInfoKind.ListEnd);
        int refused = flooder.Seen.OfType<ReplyEvent>().Count(r => r.Code == ReplyCode.RateLimited);
        output.WriteLine($"burst of 25: {25 - limited} answered, {limited} rate limited; flood of 1000: {lists} lists answered, {refused} rate limited, session ended after {stopwatch.ElapsedMilliseconds} ms");
        limited.ShouldBeInRange(1, 5);
        lists.ShouldBeLessThanOrEqualTo(21);
        SessionFailure failure = await Eventually.Value(() => failures.FirstOrDefault(), "the hub to drop the flooder");
        failure.Reason.ShouldBe(FailureReason.ProtocolViolation);
        failure.Message.ShouldContain("flood of room requests");
        int answered = eager.Seen.Count;
        await eager.SendAsync(c => c.SendRequest(RoomOp.List, "", "", ""));
        (await eager.WaitAsync<SessionEvent>(e => eager.Seen.IndexOf(e) >= answered && e is RoomInfoEvent { Kind: RoomInfoKind.ListEnd } or ReplyEvent { Code: ReplyCode.RateLimited }))
            .ShouldNotBeNull("eager is still answered");
        await bob.Client.SendAsync("#lobby", "so are we");
        await alice.MessageAsync("so are we");
    }

    [Fact]
    public async Task A_client_joining_past_64_rooms_is_refused_each_one_more_and_keeps_its_session()
    {
        await using LiveHub hub = await LiveHub.StartAsync(new ChatOptions { RequestBurst = 100 }, "Alice");
        LiveMember alice = hub.Members[0];
        await using RawMember greedy = await RawMember.ConnectAsync(hub.Port, "Greedy");

        await greedy.SendAsync(c =>
        {
            for (int i = 1; i <= 70; i++)
            {
                c.SendRequest(RoomOp.Join, "#room" + i, "", "");
            }
        });
        await greedy.WaitAsync<ReplyEvent>(_ => greedy.Seen.OfType<ReplyEvent>().Count() == 7);

        int entered = greedy.Seen.OfType<RoomInfoEvent>().Count(r => r.Kind == RoomInfoKind.Entered);
        string[] refused = [.. greedy.Seen.OfType<ReplyEvent>().Select(r => $"{r.Code} {r.Room}")];
        output.WriteLine($"rooms entered (#lobby included): {entered}; refused: {string.Join(", ", refused)}");
        entered.ShouldBe(64);
        refused.ShouldBe([.. Enumerable.Range(64, 7).Select(i => $"TooManyRooms #room{i}")]);
        greedy.Raw.Session.IsSecure.ShouldBeTrue();
    }
}
