using SecureChat.Engine.Crypto;
using SecureChat.Engine.Diagnostics;
using SecureChat.Engine.Tests.Support;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Transport;

/// <summary>
/// What a live hub on 127.0.0.1 reports about its own work, read as an operator would: the requests it answered on
/// <see cref="ChatMetrics.RequestsHandled"/> and the operator's event handlers that threw, on
/// <see cref="ChatServer.HandlerFaulted"/> and <see cref="ChatMetrics.HandlersFaulted"/>, through a
/// <see cref="System.Diagnostics.Metrics.MeterListener"/>.
/// </summary>
public sealed class HubDiagnosticsTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Every_request_a_member_sends_is_counted_with_its_op_and_the_answer_it_got()
    {
        await using LiveServer live = LiveServer.Start();
        using var metrics = new MetricRecorder(live.Server.MetricsId);
        using var aliceKey = new EphemeralSigner();
        using var bobKey = new EphemeralSigner();
        await using var alice = new ChatClient(new ChatOptions { Name = "alice", Identity = aliceKey });
        await using var bob = new ChatClient(new ChatOptions { Name = "bob", Identity = bobKey });
        var replies = new System.Collections.Concurrent.ConcurrentQueue<HubReply>();
        bob.Replied += replies.Enqueue;
        await alice.ConnectAsync("127.0.0.1", live.Port).WaitAsync(s_wait);
        await bob.ConnectAsync("127.0.0.1", live.Port).WaitAsync(s_wait);

        alice.Request(new RoomRequest(RoomOp.Join, "#rust")); // alice creates it: its operator
        await Eventually.True(() => alice.Rooms.Contains("#rust"), "alice in #rust", s_wait);
        bob.Request(new RoomRequest(RoomOp.Join, "#rust"));
        await Eventually.True(() => bob.Rooms.Contains("#rust"), "bob in #rust", s_wait);
        bob.Request(new RoomRequest(RoomOp.Kick, "#rust", "alice", "mine now"));
        await Eventually.True(() => replies.Any(r => r.Code == ReplyCode.NotOperator), "bob's kick refused", s_wait);
        bob.Request(new RoomRequest(RoomOp.Part, "#nowhere"));
        await Eventually.True(() => replies.Any(r => r.Code == ReplyCode.NotMember), "bob's part of a room he is not in refused", s_wait);

        await Eventually.True(() => metrics.Sum(ChatMetrics.RequestsHandled) >= 4, "four requests counted", TimeSpan.FromSeconds(5));
        output.WriteLine(
            $"requests handled {metrics.Sum(ChatMetrics.RequestsHandled)}: join/done {metrics.SumWhere(ChatMetrics.RequestsHandled, "op=join", "result=done")}, " +
            $"kick/not_operator {metrics.SumWhere(ChatMetrics.RequestsHandled, "op=kick", "result=not_operator")}, " +
            $"part/not_member {metrics.SumWhere(ChatMetrics.RequestsHandled, "op=part", "result=not_member")}");
        metrics.Sum(ChatMetrics.RequestsHandled).ShouldBe(4);
        metrics.SumWhere(ChatMetrics.RequestsHandled, "op=join", "result=done").ShouldBe(2);
        metrics.SumWhere(ChatMetrics.RequestsHandled, "op=kick", "result=not_operator").ShouldBe(1);
        metrics.SumWhere(ChatMetrics.RequestsHandled, "op=part", "result=not_member").ShouldBe(1);
    }

    [Fact]
    public async Task An_operator_s_event_handler_that_throws_is_reported_with_the_event_s_name_and_counted_and_the_hub_goes_on()
    {
        await using LiveServer live = LiveServer.Start();
        using var metrics = new MetricRecorder(live.Server.MetricsId);
        var faults = new System.Collections.Concurrent.ConcurrentQueue<(string Event, Exception Error)>();
        live.Server.HandlerFaulted += (name, e) => faults.Enqueue((name, e));
        live.Server.PresenceChanged += p => throw new InvalidOperationException($"no room for {p.Name}");
        using var key = new EphemeralSigner();
        await using var alice = new ChatClient(new ChatOptions { Name = "alice", Identity = key });

        await alice.ConnectAsync("127.0.0.1", live.Port).WaitAsync(s_wait); // the operator hears alice join #lobby

        (string name, Exception error) = await Eventually.Value(() => faults.FirstOrDefault() is { Event: not null } f ? Tuple.Create(f.Event, f.Error) : null, "the fault to be reported", s_wait);
        await Eventually.True(() => metrics.Sum(ChatMetrics.HandlersFaulted) >= 1, "the fault to be counted", s_wait);
        output.WriteLine($"reported: {name}: {error.Message}; counted {metrics.SumWhere(ChatMetrics.HandlersFaulted, "event=presence_changed")} for presence_changed");
        name.ShouldBe(nameof(ChatEndpoint.PresenceChanged));
        error.ShouldBeOfType<InvalidOperationException>().Message.ShouldBe("no room for alice");
        metrics.SumWhere(ChatMetrics.HandlersFaulted, "event=presence_changed").ShouldBe(faults.Count);
        await live.ShouldStillServeAnHonestClient();
    }
}
