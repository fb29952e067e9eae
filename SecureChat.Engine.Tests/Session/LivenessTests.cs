using SecureChat.Engine.Transport;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Session;

/// <summary>Heartbeats, the idle limit (SessionTimers through OnTick) and the Close that reports what arrived.</summary>
public sealed class LivenessTests
{
    /// <summary>
    /// Both sides with the settings an app's endpoint gets by default (15 s heartbeat, 45 s idle limit, as the
    /// protocol says): the tests below count in those seconds, so a changed default fails them.
    /// </summary>
    private static SessionPair Timed(ManualTime time) => SessionPair.Established(
        client: s => s with { Time = time, HeartbeatInterval = Defaults.HeartbeatInterval, IdleTimeout = Defaults.IdleTimeout },
        server: s => s with { Time = time, HeartbeatInterval = Defaults.HeartbeatInterval, IdleTimeout = Defaults.IdleTimeout });

    private static SessionSettings Defaults { get; } = SessionSettingsFactory.Create(new ChatOptions(), SessionRole.Client, "x", checkPeer: null);

    [Fact]
    public void A_side_that_sent_nothing_for_the_heartbeat_interval_sends_one_empty_sealed_heartbeat()
    {
        var time = new ManualTime();
        using SessionPair pair = Timed(time);
        time.Advance(TimeSpan.FromSeconds(14));
        pair.Client.OnTick(time.GetTimestamp());
        pair.Client.HasOutput.ShouldBeFalse("14 s of quiet is not yet 15");

        time.Advance(TimeSpan.FromSeconds(1));
        pair.Client.OnTick(time.GetTimestamp());
        byte[] wire = pair.Take(pair.Client);
        List<byte[]> frames = Frames.Split(wire);
        frames.Select(Frames.TypeOf).ShouldBe([FrameType.Heartbeat]);
        frames[0].Length.ShouldBe(WireFormat.FrameHeaderSize + 16 + 16 + 32, "an empty plaintext: IV, one padding block, tag");

        pair.Client.OnTick(time.GetTimestamp());
        pair.Client.HasOutput.ShouldBeFalse("the heartbeat itself counts as sending");

        pair.Deliver(pair.Server, wire);
        pair.Server.Stage.ShouldBe(SessionStage.Secure);
        pair.ServerEvents.ShouldBeEmpty("a heartbeat shows nothing to the user");
    }

    [Fact]
    public void A_hub_sending_a_message_postpones_its_heartbeat()
    {
        var time = new ManualTime();
        using SessionPair pair = Timed(time);
        pair.RecordGroups();
        time.Advance(TimeSpan.FromSeconds(10));
        pair.ServerChat.SendText("still here");
        _ = pair.Take(pair.Server);
        time.Advance(TimeSpan.FromSeconds(10));
        pair.Server.OnTick(time.GetTimestamp());
        pair.Server.HasOutput.ShouldBeFalse("10 s since the last message");
    }

    [Fact]
    public void A_client_sends_its_lag_probe_every_heartbeat_interval_even_while_it_sends_messages()
    {
        var time = new ManualTime();
        using SessionPair pair = Timed(time);
        pair.RecordGroups();
        time.Advance(TimeSpan.FromSeconds(10));
        pair.ClientChat.SendText("still here");
        _ = pair.Take(pair.Client);
        time.Advance(TimeSpan.FromSeconds(4));
        pair.Client.OnTick(time.GetTimestamp());
        pair.Client.HasOutput.ShouldBeFalse("14 s since the last probe");
        time.Advance(TimeSpan.FromSeconds(1));
        pair.Client.OnTick(time.GetTimestamp());
        Frames.Split(pair.Take(pair.Client)).Select(Frames.TypeOf).ShouldBe([FrameType.Heartbeat], "15 s since the last probe, 5 s since the last message");
    }

    [Fact]
    public void A_peer_silent_for_the_idle_limit_is_dropped_as_timed_out_and_told_with_a_sealed_close()
    {
        var time = new ManualTime();
        using SessionPair pair = Timed(time);
        time.Advance(TimeSpan.FromSeconds(44));
        pair.Server.OnTick(time.GetTimestamp());
        pair.Server.Stage.ShouldBe(SessionStage.Secure, "44 s of silence is not yet 45");
        pair.Deliver(pair.Client, pair.Take(pair.Server)); // the server's own heartbeat; the client stays silent

        time.Advance(TimeSpan.FromSeconds(1));
        pair.Server.OnTick(time.GetTimestamp());
        pair.Server.Stage.ShouldBe(SessionStage.Failed);
        pair.Server.Failure!.Reason.ShouldBe(FailureReason.IdleTimeout);
        pair.Server.Failure.Message.ShouldContain("timed out");
        byte[] close = pair.Take(pair.Server);
        Frames.Split(close).Select(Frames.TypeOf).ShouldBe([FrameType.Close]);

        pair.Deliver(pair.Client, close);
        pair.EventsOf<ClosedEvent>(pair.Client).ShouldHaveSingleItem().Code.ShouldBe(AlertCode.IdleTimeout);
    }

    [Fact]
    public void Heartbeats_from_the_peer_keep_a_quiet_link_alive_on_both_sides()
    {
        var time = new ManualTime();
        using SessionPair pair = Timed(time);
        for (int i = 0; i < 12; i++)
        {
            time.Advance(TimeSpan.FromSeconds(15));
            pair.Client.OnTick(time.GetTimestamp());
            pair.Server.OnTick(time.GetTimestamp());
            pair.Pump();
        }

        pair.Client.Stage.ShouldBe(SessionStage.Secure, "three minutes without a message, heartbeats only");
        pair.Server.Stage.ShouldBe(SessionStage.Secure);
        pair.ClientEvents.ShouldAllBe(e => e is LagEvent, "each probe's acknowledgement measures the lag, nothing else happens");
        pair.ClientEvents.Count.ShouldBe(12);
        pair.ServerEvents.ShouldBeEmpty();
    }

    [Fact]
    public void A_heartbeat_with_a_body_is_a_protocol_violation()
    {
        using SessionPair pair = SessionPair.Established();
        pair.Client.SealControl(FrameType.Heartbeat, [0]);
        pair.Pump();
        pair.Server.Failure!.Reason.ShouldBe(FailureReason.ProtocolViolation);
    }

    [Fact]
    public void The_close_reports_how_many_records_arrived_so_the_sender_learns_how_many_messages_were_lost()
    {
        using SessionPair pair = SessionPair.Established();
        pair.RecordGroups();
        pair.ClientChat.SendText("one");
        pair.ClientChat.SendNick("alice");
        pair.ClientChat.SendText("two");
        pair.ClientChat.SendText("three");
        List<byte[]> inFlight = Frames.Split(pair.Take(pair.Client));
        inFlight.Count.ShouldBe(4);
        pair.Deliver(pair.Server, inFlight[0]); // "one" arrives; the nick and two messages are lost in flight

        pair.Server.Close();
        byte[] close = pair.Take(pair.Server);
        pair.Deliver(pair.Client, close);
        ClosedEvent closed = pair.EventsOf<ClosedEvent>(pair.Client).ShouldHaveSingleItem();
        closed.ShouldBe(new ClosedEvent(ByPeer: true, AlertCode.Normal, Undelivered: 2), "two chat messages; the nick is not a message");
        pair.GroupRecords!.AtHub().ShouldBe(["one"]);
    }

    [Fact]
    public void A_close_after_everything_arrived_reports_nothing_undelivered_both_ways()
    {
        using SessionPair pair = SessionPair.Established();
        pair.RecordGroups();
        pair.ClientChat.SendText("one");
        pair.ServerChat.SendText("two");
        pair.Pump();
        pair.Client.Close();
        pair.Pump();
        pair.EventsOf<ClosedEvent>(pair.Server).ShouldHaveSingleItem().Undelivered.ShouldBe(0);
    }

    [Fact]
    public void A_close_whose_body_is_not_code_and_count_is_a_protocol_violation()
    {
        using SessionPair pair = SessionPair.Established();
        pair.Client.SealControl(FrameType.Close, [(byte)AlertCode.Normal]);
        pair.Pump();
        pair.Server.Failure!.Reason.ShouldBe(FailureReason.ProtocolViolation, "v1's one-byte Close");
        pair.EventsOf<ClosedEvent>(pair.Server).ShouldBeEmpty();
    }
}
