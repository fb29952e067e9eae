using SecureChat.Engine.Chat;
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
        pair.ClientChat.SendChat("alice", text).ShouldBeTrue(what);
        pair.Pump();
        pair.EventsOf<MessageReceivedEvent>(pair.Server).ShouldHaveSingleItem().ShouldBe(new MessageReceivedEvent("alice", text));

        pair.ServerChat.SendChat("server", text).ShouldBeTrue(what);
        pair.Pump();
        pair.EventsOf<MessageReceivedEvent>(pair.Client).ShouldHaveSingleItem().ShouldBe(new MessageReceivedEvent("server", text));
        pair.Client.IsSecure.ShouldBeTrue();
        pair.Server.IsSecure.ShouldBeTrue();
    }

    [Fact]
    public void The_largest_message_with_the_longest_sender_name_fills_a_record_exactly()
    {
        using SessionPair pair = SessionPair.Established();
        string name = new('n', WireFormat.NameMax);
        string text = new('t', WireFormat.ChatTextMax);
        pair.ClientChat.SendChat(name, text).ShouldBeTrue();
        byte[] wire = pair.Take(pair.Client);
        wire.Length.ShouldBe(WireFormat.FrameHeaderSize + WireFormat.RecordBodyMax);
        pair.Deliver(pair.Server, wire);
        pair.EventsOf<MessageReceivedEvent>(pair.Server).ShouldHaveSingleItem().ShouldBe(new MessageReceivedEvent(name, text));
    }

    [Fact]
    public void A_message_one_byte_over_the_maximum_is_refused_and_nothing_is_sent()
    {
        using SessionPair pair = SessionPair.Established();
        pair.ClientChat.SendChat("alice", new string('x', ChatOptions.MaxMessageBytes + 1)).ShouldBeFalse();
        pair.ClientChat.SendChat("alice", new string('界', (ChatOptions.MaxMessageBytes / 3) + 1)).ShouldBeFalse("counted in UTF-8 bytes, not chars");
        pair.Client.HasOutput.ShouldBeFalse();
        pair.Client.IsSecure.ShouldBeTrue();
    }

    [Fact]
    public void A_text_with_a_lone_surrogate_is_refused_as_unsendable_without_an_exception_from_the_encoder()
    {
        using SessionPair pair = SessionPair.Established();
        pair.ClientChat.SendChat("alice", "half of a pair: \ud83d").ShouldBeFalse();
        pair.Client.HasOutput.ShouldBeFalse();
        pair.ClientChat.SendChat("alice", "a whole pair: \ud83d\ude00").ShouldBeTrue();
    }

    [Fact]
    public void Many_messages_both_ways_arrive_once_each_and_in_order_when_delivered_one_byte_at_a_time()
    {
        using SessionPair pair = SessionPair.Established();
        pair.Trickle = true;
        for (int i = 0; i < 20; i++)
        {
            pair.ClientChat.SendChat("c", $"c{i}");
            pair.ServerChat.SendChat("s", $"s{i}");
        }

        pair.Pump();
        pair.EventsOf<MessageReceivedEvent>(pair.Server).Select(m => m.Text).ShouldBe(Enumerable.Range(0, 20).Select(i => $"c{i}"));
        pair.EventsOf<MessageReceivedEvent>(pair.Client).Select(m => m.Text).ShouldBe(Enumerable.Range(0, 20).Select(i => $"s{i}"));
    }

    [Fact]
    public void A_nick_and_presence_reach_the_peer_and_presence_sent_by_a_client_fails_the_server()
    {
        using SessionPair pair = SessionPair.Established();
        pair.ClientChat.SendNick("alice");
        pair.ServerChat.SendPresence(PresenceKind.Joined, "bob");
        pair.Pump();
        pair.EventsOf<PeerNamedEvent>(pair.Server).ShouldHaveSingleItem().Name.ShouldBe("alice");
        pair.EventsOf<PresenceEvent>(pair.Client).ShouldHaveSingleItem().ShouldBe(new PresenceEvent(PresenceKind.Joined, "bob", string.Empty));

        // Presence flows hub -> client only; a client announcing presence is a protocol violation at the server.
        pair.ClientChat.SendPresence(PresenceKind.Joined, "mallory");
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
        pair.EventsOf<ClosedEvent>(pair.Server).ShouldHaveSingleItem().ShouldBe(new ClosedEvent(ByPeer: true, AlertCode.Normal));
        pair.EventsOf<ClosedEvent>(pair.Client).ShouldHaveSingleItem().ByPeer.ShouldBeFalse();
    }
}
