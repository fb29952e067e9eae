using SecureChat.Engine.Chat;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Tests.Protocol;
using SecureChat.Engine.Tests.Support;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Chat;

/// <summary>
/// The records of names, rooms and presence between two sessions (PROTOCOL.md 4.1, 4.2): what one side's chat
/// channel sends arrives as the other's session events; a malformed record, a record sent the wrong way, a room that is not a room name and a hub
/// past the client's bounds each fail the receiving session as a protocol violation, with nothing shown; the hub's Ack
/// tells the client which of its messages arrived and how long its heartbeat took.
/// </summary>
public sealed class ChatChannelTests(ITestOutputHelper output)
{
    private static readonly byte[] s_bob = [.. Enumerable.Repeat((byte)0xB0, WireFormat.IdentityDigestSize)];
    private static readonly byte[] s_nobody = new byte[WireFormat.IdentityDigestSize];

    [Fact]
    public void A_client_s_requests_and_name_reach_the_hub_as_events()
    {
        using SessionPair pair = SessionPair.Established();
        pair.ClientChat.SendRequest(RoomOp.Kick, "#room", "mallory", "spam");
        pair.ClientChat.SendRequest(RoomOp.KeyPackage, string.Empty, string.Empty, Convert.ToHexStringLower(s_bob));
        pair.ClientChat.SendNick("alice");
        pair.Pump();

        pair.EventsOf<RoomRequestEvent>(pair.Server).ShouldBe([
            new RoomRequestEvent(RoomOp.Kick, "#room", "mallory", "spam"),
            new RoomRequestEvent(RoomOp.KeyPackage, string.Empty, string.Empty, Convert.ToHexStringLower(s_bob))]);
        pair.EventsOf<PeerNamedEvent>(pair.Server).ShouldHaveSingleItem().Name.ShouldBe("alice");
    }

    [Fact]
    public void The_hub_s_room_events_room_infos_and_replies_reach_the_client_as_events()
    {
        using SessionPair pair = SessionPair.Established();
        pair.ServerChat.SendPresence(PresenceKind.You, string.Empty, OwnDigest(pair), "alice", 0, string.Empty);
        pair.ServerChat.SendRoomInfo(RoomInfoKind.Entered, "#room", RoomInfoRecord.FlagOperator, 2, "the topic");
        pair.ServerChat.SendPresence(PresenceKind.Member, "#room", s_bob, "bob", PresenceRecord.FlagMuted, string.Empty);
        pair.ServerChat.SendRoomEvent(RoomNoticeKind.Topic, "#room", OwnDigest(pair), "alice", s_nobody, string.Empty, "new topic");
        pair.ServerChat.SendReply(ReplyCode.NotMember, ReplyRecord.OpGroupMessage, string.Empty, s_bob, string.Empty, string.Empty);
        pair.Pump();

        pair.Client.IsSecure.ShouldBeTrue(pair.Client.Failure?.Message);
        pair.EventsOf<RoomInfoEvent>(pair.Client).ShouldHaveSingleItem().ShouldBe(new RoomInfoEvent(RoomInfoKind.Entered, "#room", RoomInfoRecord.FlagOperator, 2, "the topic") { GroupId = new byte[WireFormat.GroupIdSize] });
        PresenceEvent member = pair.EventsOf<PresenceEvent>(pair.Client).Last();
        (member.Kind, member.Room, member.Name, member.Flags).ShouldBe((PresenceKind.Member, "#room", "bob", PresenceRecord.FlagMuted));
        RoomNoticeEvent topic = pair.EventsOf<RoomNoticeEvent>(pair.Client).ShouldHaveSingleItem();
        (topic.Kind, topic.Room, topic.ActorName, topic.TargetName, topic.Text).ShouldBe((RoomNoticeKind.Topic, "#room", "alice", string.Empty, "new topic"));
        ReplyEvent reply = pair.EventsOf<ReplyEvent>(pair.Client).ShouldHaveSingleItem();
        (reply.Code, reply.Op, reply.Room).ShouldBe((ReplyCode.NotMember, ReplyRecord.OpGroupMessage, string.Empty), "a GroupMessage in the direct conversation with bob");
        reply.Digest.ShouldBe(s_bob);
    }

    public static TheoryData<string, byte, byte[]> Malformed => RecordLayoutTests.Malformed;

    [Theory]
    [MemberData(nameof(Malformed))]
    public void A_malformed_record_fails_the_receiving_session_as_a_violation_and_shows_nothing(string what, byte type, byte[] plaintext)
    {
        using SessionPair pair = SessionPair.Established();
        bool toServer = FrameTable.Of((FrameType)type).Sender == FrameSender.Client;
        (toServer ? pair.Client : pair.Server).SealControl((FrameType)type, plaintext);
        pair.Pump();

        SecureSession receiver = toServer ? pair.Server : pair.Client;
        output.WriteLine($"{what}: {receiver.Failure?.Message ?? "accepted"}");
        receiver.Failure.ShouldNotBeNull(what).Reason.ShouldBe(FailureReason.ProtocolViolation, what);
        pair.EventsOf(receiver).Where(IsShown).ShouldBeEmpty(what);
    }

    public static TheoryData<byte> EveryChatType => new()
    {
        (byte)FrameType.Nick, (byte)FrameType.Request, (byte)FrameType.Presence, (byte)FrameType.RoomEvent,
        (byte)FrameType.RoomInfo, (byte)FrameType.Reply, (byte)FrameType.Ack,
    };

    [Theory]
    [MemberData(nameof(EveryChatType))]
    public void A_well_formed_record_sent_the_wrong_way_is_refused(byte type)
    {
        using SessionPair pair = SessionPair.Established();
        byte[] plaintext = WellFormed((FrameType)type);
        RecordLayoutTests.Parses((FrameType)type, plaintext).ShouldBeTrue("the record itself is well formed");
        bool clientSends = FrameTable.Of((FrameType)type).Sender == FrameSender.Client;
        (clientSends ? pair.Server : pair.Client).SealControl((FrameType)type, plaintext);
        pair.Pump();

        SecureSession receiver = clientSends ? pair.Client : pair.Server;
        output.WriteLine($"a {(FrameType)type} from the {(clientSends ? "hub" : "client")}: {receiver.Failure?.Message}");
        receiver.Failure.ShouldNotBeNull().Reason.ShouldBe(FailureReason.ProtocolViolation);
    }

    [Theory]
    [InlineData("lobby")]
    [InlineData("#two words")]
    [InlineData("#")]
    public void A_hub_naming_something_that_is_not_a_room_fails_the_client(string room)
    {
        using SessionPair pair = SessionPair.Established();
        byte[] plaintext = new byte[512];
        int length = PresenceRecord.Write(plaintext, PresenceKind.Joined, room.Length == 1 ? "#\u0000" : room, s_bob, "bob", 0, string.Empty);
        pair.Server.SealControl(FrameType.Presence, plaintext.AsSpan(0, length));
        pair.Pump();
        pair.Client.Failure.ShouldNotBeNull().Reason.ShouldBe(FailureReason.ProtocolViolation);
        pair.EventsOf(pair.Client).Where(IsShown).ShouldBeEmpty();
    }

    [Fact]
    public void A_hub_putting_the_client_in_more_than_64_rooms_fails_it()
    {
        using SessionPair pair = SessionPair.Established();
        for (int i = 1; i <= WireFormat.RoomsMax; i++)
        {
            pair.ServerChat.SendRoomInfo(RoomInfoKind.Entered, $"#r{i}", 0, 1, string.Empty);
        }

        pair.ServerChat.SendRoomInfo(RoomInfoKind.Entered, "#R1", 0, 1, string.Empty); // the same room as #r1
        pair.Pump();
        pair.Client.IsSecure.ShouldBeTrue("64 rooms, one entered twice under another spelling");

        pair.ServerChat.SendRoomInfo(RoomInfoKind.Entered, "#r65", 0, 1, string.Empty);
        pair.Pump();
        output.WriteLine($"the 65th room: {pair.Client.Failure?.Message}");
        pair.Client.Failure.ShouldNotBeNull().Message.ShouldContain("more than 64 rooms");
    }

    [Fact]
    public void The_hub_s_ack_covers_the_client_s_messages_and_measures_the_lag_of_its_heartbeat()
    {
        var time = new ManualTime();
        using SessionPair pair = SessionPair.Established(client: s => s with { Time = time });
        pair.RecordGroups();
        pair.ClientChat.SendText("one");
        pair.ClientChat.Groups.SendGroupMessage(GroupTarget.ForPerson(s_bob), [2]);
        pair.ClientChat.SendRequest(RoomOp.List, string.Empty, string.Empty, string.Empty);
        pair.Client.SealHeartbeat();
        pair.Deliver(pair.Server, pair.Take(pair.Client)); // one read: four records, one Ack
        byte[] answer = pair.Take(pair.Server);
        Frames.Split(answer).Select(Frames.TypeOf).ShouldBe([FrameType.Ack]);

        time.Advance(TimeSpan.FromMilliseconds(250));
        pair.Deliver(pair.Client, answer);
        pair.EventsOf<AcknowledgedEvent>(pair.Client).ShouldHaveSingleItem().ChatMessages.ShouldBe(2, "the two GroupMessages (a room's and a direct conversation's), not the Request");
        pair.EventsOf<LagEvent>(pair.Client).ShouldHaveSingleItem().RoundTrip.ShouldBe(TimeSpan.FromMilliseconds(250));
        output.WriteLine($"acknowledged {pair.EventsOf<AcknowledgedEvent>(pair.Client)[0].ChatMessages} messages, lag {pair.EventsOf<LagEvent>(pair.Client)[0].RoundTrip.TotalMilliseconds} ms");
    }

    [Theory]
    [InlineData(100UL, "more records than the client sent")]
    [InlineData(0UL, "fewer than an earlier Ack")]
    public void An_ack_that_counts_records_never_sent_or_goes_backwards_fails_the_client(ulong count, string what)
    {
        using SessionPair pair = SessionPair.Established(); // the hub has acknowledged the client's first probe
        byte[] body = new byte[AckRecord.Size];
        new AckRecord(count).Write(body);
        pair.Server.SealControl(FrameType.Ack, body);
        pair.Pump();
        output.WriteLine($"{what}: {pair.Client.Failure?.Message}");
        pair.Client.Failure.ShouldNotBeNull(what).Reason.ShouldBe(FailureReason.ProtocolViolation);
    }

    private static bool IsShown(SessionEvent e) =>
        e is GroupRecordEvent or PresenceEvent or RoomNoticeEvent or RoomInfoEvent or ReplyEvent or RoomRequestEvent or PeerNamedEvent;

    private static byte[] OwnDigest(SessionPair pair) => SecureChat.Engine.Crypto.IdentityFingerprint.IdentityDigest(pair.Client.Settings.Identity.PublicKey);

    private static byte[] WellFormed(FrameType type)
    {
        byte[] buffer = new byte[1024];
        int length = type switch
        {
            FrameType.Nick => NickRecord.Write(buffer, "mallory"),
            FrameType.Request => RequestRecord.Write(buffer, 1, "#room", string.Empty, string.Empty),
            FrameType.Presence => PresenceRecord.Write(buffer, PresenceKind.Joined, "#lobby", s_bob, "bob", 0, string.Empty),
            FrameType.RoomEvent => RoomEventRecord.Write(buffer, RoomEventRecord.KindTopic, "#lobby", s_bob, "bob", s_nobody, string.Empty, "topic"),
            FrameType.RoomInfo => RoomInfoRecord.Write(buffer, RoomInfoKind.Entered, "#lobby", 0, 1, string.Empty, new byte[WireFormat.GroupIdSize]),
            FrameType.Reply => ReplyRecord.Write(buffer, 0, 1, "#lobby", s_nobody, string.Empty, string.Empty),
            FrameType.Ack => new AckRecord(1).Write(buffer),
            _ => throw new ArgumentException($"{type}", nameof(type)),
        };
        return buffer[..length];
    }
}
