using System.Collections.Concurrent;
using System.Net;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Hub;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Hub;

/// <summary>The hub operator's records as the server's events (<see cref="OperatorOutput"/>), raised in order outside the hub's lock.</summary>
public sealed class OperatorOutputTests
{
    private static readonly PeerInfo s_self = new(0, new IPEndPoint(IPAddress.Loopback, 0), "Op", SessionStage.Secure, null, null, null);

    [Fact]
    public async Task What_the_operator_is_sent_becomes_its_events_in_the_order_sent()
    {
        var events = new ConcurrentQueue<object>();
        var queue = new EventQueue();
        var output = new OperatorOutput(queue, (_, _) => s_self, new OperatorEvents(events.Enqueue, events.Enqueue, events.Enqueue, events.Enqueue));
        byte[] alice = TestHub.Digest(1);

        output.SendRoomInfo(RoomNoticeKind.Entered, "#ops", 2, 3, "topic");
        output.SendPresence(1, PresenceKind.Member, "#ops", alice, "Alice", 3, string.Empty);
        output.SendPresence(1, PresenceKind.Renamed, string.Empty, alice, "Alice", 0, "Alicia");
        output.SendPresence(0, PresenceKind.You, string.Empty, alice, "Op", 0, string.Empty);
        output.SendRoomEvent(RoomNoticeKind.Kicked, "#ops", alice, "Alicia", HubState.Nobody, string.Empty, "why");
        output.SendReply(ReplyCode.NotConnected, ReplyRecord.OpGroupMessage, string.Empty, alice, "Alicia", string.Empty);
        output.SendReply(ReplyCode.NotOperator, (byte)RoomOp.Kick, "#ops", HubState.Nobody, string.Empty, string.Empty);
        await queue.Drained();

        object[] raised = [.. events];
        raised.Length.ShouldBe(6); // the operator's own name answer is not raised
        var entered = (RoomNotice)raised[0];
        (entered.Kind, entered.Room, entered.Operator, entered.InviteOnly, entered.Members, entered.Text).ShouldBe((RoomNoticeKind.Entered, "#ops", true, false, 3L, "topic"));
        var member = (PresenceNotice)raised[1];
        (member.Kind, member.Room, member.RoomOperator, member.Muted, member.Identity).ShouldBe((PresenceKind.Member, "#ops", true, true, IdentityFingerprint.FromDigest(alice)));
        var renamed = (PresenceNotice)raised[2];
        (renamed.Room, renamed.Name, renamed.NewName).ShouldBe(((string?)null, "Alice", "Alicia"));
        var kicked = (RoomNotice)raised[3];
        (kicked.Actor, kicked.Target, kicked.TargetIdentity, kicked.Text).ShouldBe(("Alicia", string.Empty, (string?)null, "why"));
        var notConnected = (HubReply)raised[4];
        (notConnected.Code, notConnected.Op, notConnected.ForDirect, notConnected.Identity).ShouldBe((ReplyCode.NotConnected, (RoomOp?)null, true, IdentityFingerprint.FromDigest(alice)));
        var notOperator = (HubReply)raised[5];
        (notOperator.Op, notOperator.ForDirect, notOperator.Room).ShouldBe(((RoomOp?)RoomOp.Kick, false, "#ops"));
    }

    [Fact]
    public async Task An_event_handler_that_calls_back_into_the_hub_runs_outside_its_lock()
    {
        var queue = new EventQueue();
        HubRouter? router = null;
        var output = new OperatorOutput(queue, (_, _) => s_self, new OperatorEvents(
            _ => { },
            p =>
            {
                if (p.Kind == PresenceKind.Joined)
                {
                    router!.Request(router.Operator, new RoomRequest(RoomOp.Topic, "#lobby", string.Empty, "welcome " + p.Name)); // from the handler, as an app would
                }
            },
            _ => { },
            _ => { }));
        router = new HubRouter(new HubSettings(), TestHub.Digest(0), TestHub.Key(0), "Op", output);
        var alice = new RecordingOutput(_ => "?");

        router.Connect(1, TestHub.Digest(1), TestHub.Key(1), "Alice", alice);
        await queue.Drained();
        await queue.Drained(); // the topic was told by the handler, on the queue's thread

        alice.Lines.ShouldContain(l => l.StartsWith("Event Topic #lobby by Op", StringComparison.Ordinal) && l.EndsWith("'welcome Alice'", StringComparison.Ordinal));
    }
}
