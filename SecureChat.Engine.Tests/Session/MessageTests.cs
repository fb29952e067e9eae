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
        { "one byte", "x" },
        { "a block less one (15 bytes)", new string('a', 15) },
        { "one block (16 bytes)", new string('b', 16) },
        { "a block and one (17 bytes)", new string('c', 17) },
        { "emoji", "👋🏽 hello 🔐" },
        { "CJK", "你好，世界。こんにちは、세계" },
        { "the longest text", new string('m', ChatOptions.MaxMessageBytes) },
        { "a payload that fills a GroupRelay record", new string('f', WireFormat.RecordPlaintextMax - (1 + 6) - WireFormat.IdentityDigestSize - (1 + 3)) },
        { "a payload that needs a Part", new string('p', WireFormat.RecordPlaintextMax) },
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public void A_message_round_trips_from_client_to_server_and_back(string what, string text)
    {
        using SessionPair pair = SessionPair.Established();
        GroupRecordRecorder records = pair.RecordGroups();
        pair.ClientChat.SendText(text);
        pair.Pump();
        records.AtHub().ShouldBe([text], what);
        records.Of<GroupMessageRecord>().ShouldHaveSingleItem().Target.ShouldBe(GroupTarget.ForRoom(SessionMessages.Room));

        pair.ServerChat.SendText(text);
        pair.Pump();
        records.AtClient().ShouldBe([text], what);
        GroupRelayRecord relayed = records.Of<GroupRelayRecord>().ShouldHaveSingleItem();
        (relayed.Target, relayed.Name).ShouldBe((GroupTarget.ForRoom(SessionMessages.Room), "hub"));
        relayed.Digest.ShouldBe(SessionPair.OperatorDigest);
        pair.Client.IsSecure.ShouldBeTrue();
        pair.Server.IsSecure.ShouldBeTrue();
    }

    [Theory]
    [InlineData((byte)0x10)] // version 3's Chat
    [InlineData((byte)0x17)] // version 3's Relay
    [InlineData((byte)0x19)] // version 3's Direct
    [InlineData((byte)0x1A)] // version 3's DirectRelay
    public void A_sealed_record_of_a_version_3_message_type_fails_either_side_as_unassigned(byte type)
    {
        foreach (bool toServer in new[] { true, false })
        {
            using SessionPair pair = SessionPair.Established();
            GroupRecordRecorder records = pair.RecordGroups();
            SecureSession sender = toServer ? pair.Client : pair.Server, receiver = toServer ? pair.Server : pair.Client;
            byte[] plaintext = [6, .. "#lobby"u8, .. SessionPair.OperatorDigest, 3, .. "hub"u8, .. "a plaintext message"u8];
            sender.SealControl((FrameType)type, plaintext);
            pair.Pump();
            receiver.Stage.ShouldBe(SessionStage.Failed);
            receiver.Failure!.Reason.ShouldBe(FailureReason.ProtocolViolation);
            receiver.Failure.Message.ShouldContain($"unassigned type 0x{type:X2}");
            records.Received.ShouldBeEmpty();
        }
    }

    [Fact]
    public void A_group_relay_record_sent_by_a_client_fails_the_server()
    {
        using SessionPair pair = SessionPair.Established();
        GroupRecordRecorder records = pair.RecordGroups();
        List<(FrameType Type, byte[] Plaintext)> relay = new GroupRelayRecord(GroupTarget.ForRoom("#lobby"), new byte[WireFormat.IdentityDigestSize], "mallory", [1, 2, 3]).Write();
        pair.Client.SealControl(FrameType.GroupRelay, relay.ShouldHaveSingleItem().Plaintext);
        pair.Pump();
        pair.Server.Stage.ShouldBe(SessionStage.Failed);
        pair.Server.Failure!.Reason.ShouldBe(FailureReason.ProtocolViolation);
        records.Received.ShouldBeEmpty();
    }

    [Fact]
    public void Many_messages_both_ways_arrive_once_each_and_in_order_when_delivered_one_byte_at_a_time()
    {
        // Group records with opaque MLS-shaped payloads; the last one each way is long enough to need a Part.
        using SessionPair pair = SessionPair.Established();
        GroupRecordRecorder owner = pair.RecordGroups();
        pair.Trickle = true;
        var lobby = GroupTarget.ForRoom("#lobby");
        static byte[] Payload(string tag, int i) => [.. System.Text.Encoding.UTF8.GetBytes($"{tag}{i}"), .. new byte[i == 19 ? WireFormat.RecordPlaintextMax : 0]];
        for (int i = 0; i < 20; i++)
        {
            pair.ClientChat.Groups.SendGroupMessage(lobby, Payload("c", i));
            pair.ServerChat.Groups.SendGroupRelay(lobby, SessionPair.OperatorDigest, "hub", Payload("s", i));
        }

        pair.Pump();
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
