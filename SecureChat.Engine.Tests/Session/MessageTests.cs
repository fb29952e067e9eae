using SecureChat.Engine.Chat;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Tests.Support;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Session;

public sealed class MessageTests
{
    public static TheoryData<string, string> Messages => new()
    {
        { "empty", string.Empty },
        { "one byte", "x" },
        { "a block less one (15 bytes)", new string('a', 15) },
        { "one block (16 bytes)", new string('b', 16) },
        { "a block and one (17 bytes)", new string('c', 17) },
        { "emoji", "👋🏽 hello 🔐" },
        { "CJK", "你好，世界。こんにちは、세계" },
        { "the maximum", new string('m', ChatOptions.MaxMessageBytes) },
        { "the maximum in 3-byte characters", new string('界', ChatOptions.MaxMessageBytes / 3) },
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public void A_message_round_trips_from_client_to_server_and_back(string what, string text)
    {
        using SessionPair pair = SessionPair.Established();
        pair.ClientChat.SendChat("#lobby", text).ShouldBeTrue(what);
        pair.Pump();
        MessageReceivedEvent atServer = pair.EventsOf<MessageReceivedEvent>(pair.Server).ShouldHaveSingleItem();
        (atServer.Sender, atServer.Text, atServer.SenderDigest, atServer.Room, atServer.Direct).ShouldBe((string.Empty, text, (byte[]?)null, "#lobby", false), "a Chat comes from the peer itself: no name, no digest");

        pair.ServerChat.SendRelay("#lobby", SessionPair.OperatorDigest, "hub", text).ShouldBeTrue(what);
        pair.Pump();
        MessageReceivedEvent atClient = pair.EventsOf<MessageReceivedEvent>(pair.Client).ShouldHaveSingleItem();
        (atClient.Sender, atClient.Text, atClient.Room, atClient.Direct).ShouldBe(("hub", text, "#lobby", false));
        atClient.SenderDigest.ShouldBe(SessionPair.OperatorDigest);
        pair.Client.IsSecure.ShouldBeTrue();
        pair.Server.IsSecure.ShouldBeTrue();
    }

    [Fact]
    public void The_largest_message_relayed_in_the_longest_room_with_the_longest_sender_name_fills_a_record_exactly()
    {
        using SessionPair pair = SessionPair.Established();
        string room = "#" + new string('界', (WireFormat.RoomMax - 1) / 3); // 64 bytes in 21 characters: a valid name
        string name = new('n', WireFormat.NameMax);
        string text = new('t', WireFormat.ChatTextMax);
        byte[] digest = [.. Enumerable.Repeat((byte)0xD1, WireFormat.IdentityDigestSize)];
        pair.ServerChat.SendRelay(room, digest, name, text).ShouldBeTrue();
        byte[] wire = pair.Take(pair.Server);
        wire.Length.ShouldBe(WireFormat.FrameHeaderSize + WireFormat.RecordBodyMax);
        Frames.TypeOf(wire).ShouldBe(FrameType.Relay);
        pair.Deliver(pair.Client, wire);
        MessageReceivedEvent received = pair.EventsOf<MessageReceivedEvent>(pair.Client).ShouldHaveSingleItem();
        (received.Sender, received.Text).ShouldBe((name, text));
        received.SenderDigest.ShouldBe(digest);

        pair.ServerChat.SendRelay(room, digest, name, text + "t").ShouldBeFalse("one byte more does not fit");
        pair.Server.HasOutput.ShouldBeFalse();
    }

    [Fact]
    public void A_relay_record_sent_by_a_client_fails_the_server()
    {
        using SessionPair pair = SessionPair.Established();
        pair.ClientChat.SendRelay("#lobby", new byte[WireFormat.IdentityDigestSize], "mallory", "I speak for someone else");
        pair.Pump();
        pair.Server.Stage.ShouldBe(SessionStage.Failed);
        pair.Server.Failure!.Reason.ShouldBe(FailureReason.ProtocolViolation);
        pair.EventsOf<MessageReceivedEvent>(pair.Server).ShouldBeEmpty();
    }

    [Fact]
    public void A_message_one_byte_over_the_maximum_is_refused_and_nothing_is_sent()
    {
        using SessionPair pair = SessionPair.Established();
        pair.ClientChat.SendChat("#lobby", new string('x', ChatOptions.MaxMessageBytes + 1)).ShouldBeFalse();
        pair.ClientChat.SendChat("#lobby", new string('界', (ChatOptions.MaxMessageBytes / 3) + 1)).ShouldBeFalse("counted in UTF-8 bytes, not chars");
        pair.Client.HasOutput.ShouldBeFalse();
        pair.Client.IsSecure.ShouldBeTrue();
    }

    [Fact]
    public void A_text_with_a_lone_surrogate_is_refused_as_unsendable_without_an_exception_from_the_encoder()
    {
        using SessionPair pair = SessionPair.Established();
        pair.ClientChat.SendChat("#lobby", "half of a pair: \ud83d").ShouldBeFalse();
        pair.Client.HasOutput.ShouldBeFalse();
        pair.ClientChat.SendChat("#lobby", "a whole pair: \ud83d\ude00").ShouldBeTrue();
    }

    [Fact]
    public void Many_messages_both_ways_arrive_once_each_and_in_order_when_delivered_one_byte_at_a_time()
    {
        // Group records with opaque MLS-shaped payloads; the last one each way is long enough to need a Part.
        using SessionPair pair = SessionPair.Established();
        var owner = new GroupRecordRecorder();
        pair.ServerChat.HubRecords = owner;
        pair.ClientChat.MemberRecords = owner;
        pair.Trickle = true;
        var lobby = GroupTarget.ForRoom("#lobby");
        static byte[] Payload(string tag, int i) => [.. System.Text.Encoding.UTF8.GetBytes($"{tag}{i}"), .. new byte[i == 19 ? WireFormat.RecordPlaintextMax : 0]];
        for (int i = 0; i < 20; i++)
        {
            pair.ClientChat.Groups.SendGroupMessage(lobby, Payload("c", i));
            pair.ServerChat.Groups.SendGroupRelay(lobby, SessionPair.OperatorDigest, "hub", Payload("s", i));
        }

        pair.Pump();
        GroupRecordRecorder.DeliverAll(pair.ServerEvents);
        GroupRecordRecorder.DeliverAll(pair.ClientEvents);
        owner.Of<GroupMessageRecord>().Select(m => m.Mls).ShouldBe(Enumerable.Range(0, 20).Select(i => Payload("c", i)));
        owner.Of<GroupRelayRecord>().Select(m => m.Mls).ShouldBe(Enumerable.Range(0, 20).Select(i => Payload("s", i)));
        pair.Client.IsSecure.ShouldBeTrue();
        pair.Server.IsSecure.ShouldBeTrue();
    }

    [Fact]
    public void A_nick_and_presence_reach_the_peer_and_presence_sent_by_a_client_fails_the_server()
    {
        using SessionPair pair = SessionPair.Established();
        byte[] bob = [.. Enumerable.Repeat((byte)0xB0, WireFormat.IdentityDigestSize)];
        pair.ClientChat.SendNick("alice");
        pair.ServerChat.SendPresence(PresenceKind.You, string.Empty, IdentityFingerprint.IdentityDigest(pair.Client.Settings.Identity.PublicKey), "alice", 0, string.Empty);
        pair.ServerChat.SendPresence(PresenceKind.Member, "#lobby", bob, "bob", 0, string.Empty);
        pair.ServerChat.SendPresence(PresenceKind.Renamed, string.Empty, bob, "bob", 0, "robert");
        pair.Pump();
        pair.EventsOf<PeerNamedEvent>(pair.Server).ShouldHaveSingleItem().Name.ShouldBe("alice");
        List<PresenceEvent> presence = pair.EventsOf<PresenceEvent>(pair.Client);
        presence.Select(p => (p.Kind, p.Name, p.NewName)).ShouldBe([
            (PresenceKind.You, "alice", string.Empty),
            (PresenceKind.Member, "bob", string.Empty),
            (PresenceKind.Renamed, "bob", "robert")]);
        presence[0].Digest.ShouldBe(IdentityFingerprint.IdentityDigest(pair.Client.Settings.Identity.PublicKey));
        presence[1].Digest.ShouldBe(bob);

        // Presence flows hub -> client only; a client announcing presence is a protocol violation at the server.
        pair.ClientChat.SendPresence(PresenceKind.Joined, "#lobby", bob, "mallory", 0, string.Empty);
        pair.Pump();
        pair.Server.Stage.ShouldBe(SessionStage.Failed);
        pair.Server.Failure!.Reason.ShouldBe(FailureReason.ProtocolViolation);
    }

    [Fact]
    public void Closing_tells_the_peer_and_both_sides_end_closed()
    {
        using SessionPair pair = SessionPair.Established();
        pair.Client.Close();
        pair.Pump();
        pair.Client.Stage.ShouldBe(SessionStage.Closed);
        pair.Server.Stage.ShouldBe(SessionStage.Closed);
        pair.EventsOf<ClosedEvent>(pair.Server).ShouldHaveSingleItem().ShouldBe(new ClosedEvent(ByPeer: true, AlertCode.Normal, Undelivered: 0));
        pair.EventsOf<ClosedEvent>(pair.Client).ShouldHaveSingleItem().ByPeer.ShouldBeFalse();
    }
}
