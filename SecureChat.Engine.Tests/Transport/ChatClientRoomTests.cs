using System.Collections.Concurrent;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Groups;
using MlsMessage = SecureChat.Engine.Mls.Messages.MlsMessage;
using PrivateMessage = SecureChat.Engine.Mls.Messages.PrivateMessage;
using ContentType = SecureChat.Engine.Mls.Messages.ContentType;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Tests.Support;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Transport;

/// <summary>
/// The client side of rooms, direct messages, requests and acknowledgements (PROTOCOL.md 4.2), against a raw hub on
/// 127.0.0.1 that writes each record by hand: what the client sends for each call, and which public event each
/// record of the hub's becomes, with the rooms list following the hub's notices.
/// </summary>
public sealed class ChatClientRoomTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);
    private static readonly byte[] s_bob = [.. Enumerable.Repeat((byte)0xB0, WireFormat.IdentityDigestSize)];
    private static readonly byte[] s_nobody = new byte[WireFormat.IdentityDigestSize];

    /// <summary>Events a raw hub's session raised after the one <see cref="NextAsync"/> returned, kept for the next call.</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<RawClient, Queue<SessionEvent>> s_pending = [];

    [Fact]
    public async Task A_client_joins_its_configured_rooms_on_connect_and_follows_the_hub_s_notices_into_events()
    {
        using RawServer listener = RawServer.Listen();
        await using var client = new ChatClient(new ChatOptions { Name = "alice", Rooms = ["#dev"] });
        var events = new Recorded(client);
        Task connecting = client.ConnectAsync("127.0.0.1", listener.Port);
        await using RawClient hub = await listener.AcceptAsync();
        (await hub.HandshakeAsync()).ShouldBeTrue();
        await connecting.WaitAsync(s_wait);
        client.Rooms.ShouldBe([ChatEndpoint.Lobby], "before the hub has said anything");

        RoomRequestEvent join = await NextAsync<RoomRequestEvent>(hub);
        join.ShouldBe(new RoomRequestEvent(RoomOp.Join, "#dev", string.Empty, string.Empty));

        byte[] own = hub.Session.Peer!.Digest;
        await hub.SendAsync(hub.ProduceChat(c =>
        {
            c.SendPresence(PresenceKind.You, string.Empty, own, "alice", 0, string.Empty);
            c.SendRoomInfo(RoomInfoKind.Entered, "#lobby", 0, 2, string.Empty, new byte[16]);
            c.SendRoomInfo(RoomInfoKind.Entered, "#Dev", RoomInfoRecord.FlagOperator | RoomInfoRecord.FlagInviteOnly, 2, "builds", new byte[16]);
            c.SendPresence(PresenceKind.Member, "#Dev", s_bob, "bob", PresenceRecord.FlagMuted, string.Empty);
            c.SendRoomEvent(RoomNoticeKind.Kicked, "#Dev", own, "alice", s_bob, "bob", "noise");
            c.SendReply(ReplyCode.NoSuchName, (byte)RoomOp.Invite, "#Dev", s_nobody, "carol", string.Empty);
            c.SendReply(ReplyCode.NotConnected, ReplyRecord.OpGroupMessage, string.Empty, s_bob, "bob", string.Empty);
        }));

        await Eventually.True(() => events.Replies.Count == 2, "the replies", s_wait);
        client.Rooms.ShouldBe(["#lobby", "#Dev"], "in the order entered, in the hub's spelling");
        RoomNotice entered = events.Rooms.Where(r => r.Kind == RoomNoticeKind.Entered).Last();
        (entered.Room, entered.Operator, entered.InviteOnly, entered.Members, entered.Text).ShouldBe(("#Dev", true, true, 2L, "builds"));
        PresenceNotice member = events.Presence.ShouldHaveSingleItem(); // You is the name, not a presence notice
        (member.Kind, member.Room, member.Name, member.Muted, member.RoomOperator, member.Identity).ShouldBe((PresenceKind.Member, "#Dev", "bob", true, false, IdentityFingerprint.FromDigest(s_bob)));

        RoomNotice kicked = events.Rooms.Single(r => r.Kind == RoomNoticeKind.Kicked);
        (kicked.Room, kicked.Actor, kicked.Target, kicked.Text, kicked.TargetIdentity).ShouldBe(("#Dev", "alice", "bob", "noise", IdentityFingerprint.FromDigest(s_bob)));
        HubReply refused = events.Replies.First();
        (refused.Code, refused.Op, refused.ForDirect, refused.Name, refused.Identity).ShouldBe((ReplyCode.NoSuchName, (RoomOp?)RoomOp.Invite, false, "carol", (string?)null));
        HubReply direct = events.Replies.Last();
        (direct.Code, direct.Op, direct.ForDirect, direct.Identity).ShouldBe((ReplyCode.NotConnected, (RoomOp?)null, true, IdentityFingerprint.FromDigest(s_bob)), "a GroupMessage's Reply in a direct conversation");
        output.WriteLine($"rooms {string.Join(", ", client.Rooms)}; {events.Rooms.Count} room notices, {events.Replies.Count} replies");
    }

    [Fact]
    public async Task Parting_being_kicked_or_banned_takes_a_room_off_the_list_and_a_join_while_disconnected_waits_for_the_next_link()
    {
        using RawServer listener = RawServer.Listen();
        await using var client = new ChatClient(new ChatOptions { Name = "alice" });
        var events = new Recorded(client);
        client.Request(new RoomRequest(RoomOp.Join, "#later"));
        Should.Throw<InvalidOperationException>(() => client.Request(new RoomRequest(RoomOp.Topic, "#later", Text: "no link")));
        Task connecting = client.ConnectAsync("127.0.0.1", listener.Port);
        await using RawClient hub = await listener.AcceptAsync();
        (await hub.HandshakeAsync()).ShouldBeTrue();
        await connecting.WaitAsync(s_wait);
        (await NextAsync<RoomRequestEvent>(hub)).ShouldBe(new RoomRequestEvent(RoomOp.Join, "#later", string.Empty, string.Empty));

        byte[] own = hub.Session.Peer!.Digest;
        await hub.SendAsync(hub.ProduceChat(c =>
        {
            c.SendRoomInfo(RoomInfoKind.Entered, "#lobby", 0, 1, string.Empty, new byte[16]);
            foreach (string room in new[] { "#later", "#a", "#b", "#c" })
            {
                c.SendRoomInfo(RoomInfoKind.Entered, room, 0, 1, string.Empty, new byte[16]);
            }
        }));
        await Eventually.True(() => client.Rooms.Count == 5, "five rooms", s_wait);

        client.Request(new RoomRequest(RoomOp.Part, "#a", Text: "bye"));
        (await NextAsync<RoomRequestEvent>(hub)).ShouldBe(new RoomRequestEvent(RoomOp.Part, "#a", string.Empty, "bye"));
        await hub.SendAsync(hub.ProduceChat(c =>
        {
            c.SendPresence(PresenceKind.Parted, "#a", own, "alice", 0, "bye");
            c.SendRoomEvent(RoomNoticeKind.Kicked, "#b", s_bob, "bob", own, "alice", "out");
            c.SendRoomEvent(RoomNoticeKind.Banned, "#c", s_bob, "bob", own, "alice", string.Empty);
            c.SendReply(ReplyCode.Done, (byte)RoomOp.Part, "#a", s_nobody, string.Empty, string.Empty);
        }));

        await Eventually.True(() => events.Replies.Count == 1, "the reply", s_wait);
        client.Rooms.ShouldBe(["#lobby", "#later"]);
        events.Presence.ShouldHaveSingleItem().Text.ShouldBe("bye");
        output.WriteLine($"rooms after part, kick and ban: {string.Join(", ", client.Rooms)}");
    }

    [Fact]
    public async Task A_direct_message_goes_to_an_identity_the_hub_named_or_to_a_name_and_the_hub_s_ack_and_lag_are_raised()
    {
        using RawServer listener = RawServer.Listen();
        await using var client = new ChatClient(new ChatOptions { Name = "alice" });
        var events = new Recorded(client);
        Task connecting = client.ConnectAsync("127.0.0.1", listener.Port);
        await using RawClient hub = await listener.AcceptAsync();
        var groupRecords = new GroupRecordRecorder();
        hub.Chat.HubRecords = groupRecords;
        (await hub.HandshakeAsync()).ShouldBeTrue();
        await connecting.WaitAsync(s_wait);
        string bob = IdentityFingerprint.FromDigest(s_bob);

        await Should.ThrowAsync<ArgumentException>(async () => await client.SendDirectAsync(new Person("bob", bob), "before bob was named"));
        byte[] lobbyGroup = [.. Enumerable.Repeat((byte)0x1B, WireFormat.GroupIdSize)];
        await hub.SendAsync(hub.ProduceChat(c =>
        {
            c.SendRoomInfo(RoomInfoKind.Entered, "#lobby", RoomInfoRecord.FlagFounder, 2, string.Empty, lobbyGroup);
            c.SendPresence(PresenceKind.Member, "#lobby", s_bob, "bob", 0, string.Empty);
        }));
        await Eventually.True(() => events.Presence.Count == 1 && client.GroupOf(GroupTarget.ForRoom("#lobby")).Status == MemberGroupStatus.Member, "bob announced and #lobby's group founded", s_wait);

        await client.SendDirectAsync(new Person("someone renamed", bob), "by identity");
        await client.SendDirectAsync(new Person("carol"), "by name");
        await client.SendAsync("#lobby", "in the room");
        var requests = new List<RoomRequestEvent>();
        while (requests.Count < 2 || groupRecords.Received.IsEmpty)
        {
            SessionEvent next = await NextAsync<SessionEvent>(hub);
            if (next is RoomRequestEvent request)
            {
                requests.Add(request);
            }
        }

        requests.ShouldBe(
            [
                new RoomRequestEvent(RoomOp.KeyPackage, string.Empty, string.Empty, Convert.ToHexStringLower(s_bob)),
                new RoomRequestEvent(RoomOp.KeyPackage, string.Empty, "carol", string.Empty),
            ],
            ignoreOrder: true,
            "the identity wins over the name it was given with; a name never announced is asked for by name");
        GroupMessageRecord chat = groupRecords.Of<GroupMessageRecord>().ShouldHaveSingleItem();
        chat.Target.ShouldBe(GroupTarget.ForRoom("#lobby"));
        PrivateMessage sealedText = MlsMessage.Decode(chat.Mls).PrivateMessage.ShouldNotBeNull();
        sealedText.GroupId.ShouldBe(lobbyGroup, "a text of the group the client founded");
        (sealedText.Epoch, sealedText.ContentType).ShouldBe((0UL, ContentType.Application));

        // Only the GroupMessage is a message yet: the direct texts wait in their conversations for the key packages asked for.
        await Eventually.True(() => events.Acknowledged.Count > 0 && events.Acknowledged.Last() == 1, "the room text's GroupMessage acknowledged", s_wait);
        events.Lags.ShouldNotBeEmpty("the first probe, sent when the link became secure, is covered too");
        output.WriteLine($"acknowledged {events.Acknowledged.Last()}; lag {events.Lags.Last().TotalMilliseconds:0.#} ms");
    }

    [Fact]
    public async Task A_join_refused_as_too_fast_is_asked_again_and_one_refused_as_banned_is_not()
    {
        using RawServer listener = RawServer.Listen();
        await using var client = new ChatClient(new ChatOptions { Name = "alice", Rooms = ["#busy"] });
        Task connecting = client.ConnectAsync("127.0.0.1", listener.Port);
        await using RawClient hub = await listener.AcceptAsync();
        (await hub.HandshakeAsync()).ShouldBeTrue();
        await connecting.WaitAsync(s_wait);
        (await NextAsync<RoomRequestEvent>(hub)).Room.ShouldBe("#busy");

        await hub.SendAsync(hub.ProduceChat(c => c.SendReply(ReplyCode.RateLimited, (byte)RoomOp.Join, "#busy", s_nobody, string.Empty, string.Empty)));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        (await NextAsync<RoomRequestEvent>(hub)).ShouldBe(new RoomRequestEvent(RoomOp.Join, "#busy", string.Empty, string.Empty));
        output.WriteLine($"asked again after {clock.ElapsedMilliseconds} ms");

        await hub.SendAsync(hub.ProduceChat(c => c.SendReply(ReplyCode.Banned, (byte)RoomOp.Join, "#busy", s_nobody, string.Empty, string.Empty)));
        await Task.Delay(ClientRoomState.RejoinRetry * 2);
        client.Request(new RoomRequest(RoomOp.List, string.Empty));
        (await NextAsync<RoomRequestEvent>(hub)).Op.ShouldBe(RoomOp.List, "no third join came before the list");
        client.Rooms.ShouldBe([ChatEndpoint.Lobby]);
    }

    /// <summary>
    /// Reads the raw hub's frames until its session raises an event of type <typeparamref name="T"/>; the group records
    /// read on the way go to the session's owner (<see cref="ChatChannel.HubRecords"/>).
    /// </summary>
    private static async Task<T> NextAsync<T>(RawClient hub)
        where T : SessionEvent
    {
        Queue<SessionEvent> pending = s_pending.GetValue(hub, _ => new Queue<SessionEvent>());
        while (true)
        {
            var drained = new List<SessionEvent>();
            hub.Session.DrainEvents(drained);
            GroupRecordRecorder.DeliverAll(drained);
            foreach (SessionEvent e in drained)
            {
                pending.Enqueue(e);
            }

            while (pending.TryDequeue(out SessionEvent? e))
            {
                if (e is T found)
                {
                    return found;
                }
            }

            byte[] frame = (await hub.ReadFrameAsync(s_wait)).ShouldNotBeNull($"the client to send a {typeof(T).Name}");
            hub.Session.Receive(frame);
            await hub.SendAsync(hub.TakeOutput()); // the raw hub's session acknowledges what it opened, as a hub does
        }
    }

    /// <summary>Every public event of a client, in order.</summary>
    private sealed class Recorded
    {
        public Recorded(ChatClient client)
        {
            client.RoomChanged += Rooms.Enqueue;
            client.PresenceChanged += n =>
            {
                if (!n.Operator)
                {
                    Presence.Enqueue(n);
                }
            };
            client.MessageReceived += Messages.Enqueue;
            client.Replied += Replies.Enqueue;
            client.Acknowledged += (_, n) => Acknowledged.Enqueue(n);
            client.LagMeasured += (_, lag) => Lags.Enqueue(lag);
        }

        public ConcurrentQueue<RoomNotice> Rooms { get; } = new();

        public ConcurrentQueue<PresenceNotice> Presence { get; } = new();

        public ConcurrentQueue<ChatMessage> Messages { get; } = new();

        public ConcurrentQueue<HubReply> Replies { get; } = new();

        public ConcurrentQueue<int> Acknowledged { get; } = new();

        public ConcurrentQueue<TimeSpan> Lags { get; } = new();
    }
}
