using System.Runtime.CompilerServices;
using SecureChat.Engine.Diagnostics;
using SecureChat.Engine.Session;
using SecureChat.Engine.Tests.Adversarial;
using SecureChat.Engine.Tests.Support;
using SecureChat.Engine.Tests.Hub.Groups;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Transport;

/// <summary>
/// The hub's instruments (README, "Metrics") as a <see cref="System.Diagnostics.Metrics.MeterListener"/> reads them,
/// from a live server on 127.0.0.1 with real clients: each test keeps only its own server's measurements.
/// </summary>
public sealed class MetricsTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Two_clients_joining_and_leaving_move_sessions_active_to_2_and_back_to_0_with_2_handshakes_completed()
    {
        await using LiveServer live = LiveServer.Start();
        using var metrics = new MetricRecorder(live.Server.MetricsId);
        await using (var alice = new ChatClient(new ChatOptions { Name = "alice" }))
        await using (var bob = new ChatClient(new ChatOptions { Name = "bob" }))
        {
            await alice.ConnectAsync("127.0.0.1", live.Port).WaitAsync(s_wait);
            await bob.ConnectAsync("127.0.0.1", live.Port).WaitAsync(s_wait);
            await Eventually.True(() => metrics.Sum(ChatMetrics.SessionsActive) == 2, "sessions active to reach 2", s_wait);
            output.WriteLine($"with two clients: sessions active {metrics.Sum(ChatMetrics.SessionsActive)}, handshakes started {metrics.Sum(ChatMetrics.HandshakesStarted)}, completed {metrics.Sum(ChatMetrics.HandshakesCompleted)}");
        }

        await Eventually.True(() => metrics.Sum(ChatMetrics.SessionsActive) == 0, "sessions active to fall back to 0", s_wait);
        output.WriteLine($"after they left: sessions active {metrics.Sum(ChatMetrics.SessionsActive)}, peers dropped [{metrics.Describe(ChatMetrics.PeersDropped)}], handshakes failed [{metrics.Describe(ChatMetrics.HandshakesFailed)}]");
        metrics.Sum(ChatMetrics.HandshakesStarted).ShouldBe(2);
        metrics.Sum(ChatMetrics.HandshakesCompleted).ShouldBe(2);
        metrics.Sum(ChatMetrics.HandshakesFailed).ShouldBe(0);
        metrics.Sum(ChatMetrics.PeersDropped).ShouldBe(0, "peers that leave are not dropped");
    }

    [Fact]
    public async Task A_chat_message_relayed_to_the_other_client_raises_records_relayed_bytes_sent_and_one_fanout_time()
    {
        await using LiveServer live = LiveServer.Start();
        using var metrics = new MetricRecorder(live.Server.MetricsId);
        await using var alice = new ChatClient(new ChatOptions { Name = "alice" });
        await using var bob = new ChatClient(new ChatOptions { Name = "bob" });
        var heard = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        bob.MessageReceived += m => heard.TrySetResult(m.Text);
        await alice.ConnectAsync("127.0.0.1", live.Port).WaitAsync(s_wait);
        await bob.ConnectAsync("127.0.0.1", live.Port).WaitAsync(s_wait);
        await Eventually.True(() => metrics.Sum(ChatMetrics.SessionsActive) == 2, "both to join", s_wait);
        await LobbyGroup.InOneEpochAsync(alice, bob); // bob reads only the epochs he was in
        await Eventually.True(() => metrics.Observe(ChatMetrics.QueuedOutput) == 0, "the join notices to be written", s_wait);
        double bytesBefore = metrics.Sum(ChatMetrics.BytesSent);
        metrics.Sum(ChatMetrics.RecordsRelayed).ShouldBe(0);

        await alice.SendAsync("hello bob");
        (await heard.Task.WaitAsync(s_wait)).ShouldBe("hello bob");
        await Eventually.True(() => metrics.Count(ChatMetrics.FanoutDuration) == 1, "the fan-out to be timed", s_wait);

        double bytes = metrics.Sum(ChatMetrics.BytesSent) - bytesBefore;
        output.WriteLine($"records relayed {metrics.Sum(ChatMetrics.RecordsRelayed)}, bytes sent for the message {bytes}, fan-out {metrics.Sum(ChatMetrics.FanoutDuration):F2} ms, queued now {metrics.Observe(ChatMetrics.QueuedOutput)}");
        metrics.Sum(ChatMetrics.RecordsRelayed).ShouldBe(1, "sealed for bob alone (not echoed to alice)");
        bytes.ShouldBeGreaterThan("hello bob".Length, "the sealed record went out on bob's socket");
        metrics.Observe(ChatMetrics.QueuedOutput).ShouldBe(0);
    }

    [Fact]
    public async Task A_hello_answered_with_a_puzzle_raises_puzzles_sent_and_is_no_failed_handshake()
    {
        await using LiveServer live = LiveServer.Start(new ChatOptions { Puzzle = PuzzleMode.Always, PuzzleBits = 8 });
        using var metrics = new MetricRecorder(live.Server.MetricsId);
        await using var client = new ChatClient(new ChatOptions { Name = "solver" });

        await client.ConnectAsync("127.0.0.1", live.Port).WaitAsync(s_wait);
        await Eventually.True(() => metrics.Sum(ChatMetrics.HandshakesCompleted) == 1, "the handshake after the work to complete", s_wait);

        output.WriteLine($"puzzles sent {metrics.Sum(ChatMetrics.PuzzlesSent)}, handshakes started {metrics.Sum(ChatMetrics.HandshakesStarted)}, completed {metrics.Sum(ChatMetrics.HandshakesCompleted)}, failed [{metrics.Describe(ChatMetrics.HandshakesFailed)}]");
        metrics.Sum(ChatMetrics.PuzzlesSent).ShouldBe(1);
        metrics.Sum(ChatMetrics.HandshakesStarted).ShouldBe(2, "the puzzled connection and the one with the work done");
        metrics.Sum(ChatMetrics.HandshakesFailed).ShouldBe(0);
    }

    [Fact]
    public async Task A_peer_that_never_reads_dropped_as_too_slow_raises_peers_dropped_with_reason_too_slow()
    {
        // The slow-peer setup of OutputBudgetAttackTests: a member that never reads, and one that floods chat.
        await using LiveServer live = LiveServer.Start(new ChatOptions { PeerOutput = 256 * 1024, IdleTimeout = TimeSpan.FromMinutes(10) });
        using var metrics = new MetricRecorder(live.Server.MetricsId);
        await using LiveGroupMember silentMember = await OutputBudgetAttackTests.InLobbyAsync(live, "silent");
        await using LiveGroupMember flooder = await OutputBudgetAttackTests.InLobbyAsync(live, "flooder");
        RawClient silent = silentMember.Raw; // reads nothing from now on
        var received = new StrongBox<long>();
        _ = flooder.Raw.DrainAsync(received);

        string text = new('f', ChatOptions.MaxMessageBytes - 64);
        int sent = 0;
        while (!live.HasFailureFor(silent.LocalPort))
        {
            sent.ShouldBeLessThan(4096, "the silent peer was never dropped");
            for (int i = 0; i < 16; i++, sent++)
            {
                await flooder.Raw.SendAsync(flooder.Say(text));
            }

            await Task.Delay(5);
        }

        (await live.FailureFor(silent.LocalPort, s_wait)).Reason.ShouldBe(FailureReason.PeerTooSlow);
        await Eventually.True(() => metrics.Sum(ChatMetrics.PeersDropped) == 1, "the drop to be counted", s_wait);
        output.WriteLine($"after {sent} messages: peers dropped [{metrics.Describe(ChatMetrics.PeersDropped)}], sessions active {metrics.Sum(ChatMetrics.SessionsActive)}, records relayed {metrics.Sum(ChatMetrics.RecordsRelayed)}");
        metrics.Sum(ChatMetrics.PeersDropped, "too_slow").ShouldBe(1);
        metrics.Sum(ChatMetrics.SessionsActive).ShouldBe(1, "the flooder is still joined");
    }

    [Fact]
    public async Task A_room_message_counts_as_a_room_record_relayed_and_the_hub_s_acknowledgement_of_it_as_an_ack_sent()
    {
        await using LiveServer live = LiveServer.Start();
        using var metrics = new MetricRecorder(live.Server.MetricsId);
        await using var alice = new ChatClient(new ChatOptions { Name = "alice" });
        await using var bob = new ChatClient(new ChatOptions { Name = "bob" });
        int acknowledged = 0;
        alice.Acknowledged += (_, n) => Volatile.Write(ref acknowledged, n);
        var heard = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        bob.MessageReceived += m => heard.TrySetResult(m.Text);
        await alice.ConnectAsync("127.0.0.1", live.Port).WaitAsync(s_wait);
        await bob.ConnectAsync("127.0.0.1", live.Port).WaitAsync(s_wait);
        await Eventually.True(() => metrics.Sum(ChatMetrics.SessionsActive) == 2, "both to join", s_wait);
        await Eventually.True(() => metrics.Sum(ChatMetrics.AcksSent) >= 2, "each client's first probe to be acknowledged", s_wait);
        await LobbyGroup.InOneEpochAsync(alice, bob); // bob reads only the epochs he was in
        double acksBefore = metrics.Sum(ChatMetrics.AcksSent);

        await alice.SendAsync("hello bob");
        (await heard.Task.WaitAsync(s_wait)).ShouldBe("hello bob");
        await Eventually.True(() => Volatile.Read(ref acknowledged) == 1, "alice's message to be acknowledged", s_wait);

        double acks = metrics.Sum(ChatMetrics.AcksSent) - acksBefore;
        output.WriteLine($"records relayed [{metrics.SumWhere(ChatMetrics.RecordsRelayed, "kind=room")} room, {metrics.SumWhere(ChatMetrics.RecordsRelayed, "kind=direct")} direct]; acks sent for the message {acks}");
        metrics.SumWhere(ChatMetrics.RecordsRelayed, $"{ChatMetrics.KindTag}={ChatMetrics.KindRoom}").ShouldBe(1);
        metrics.SumWhere(ChatMetrics.RecordsRelayed, $"{ChatMetrics.KindTag}={ChatMetrics.KindDirect}").ShouldBe(0);
        acks.ShouldBeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public void A_handled_request_is_counted_with_its_op_and_result_in_snake_case()
    {
        var server = new ServerMetrics("requests-" + Guid.NewGuid().ToString("N"));
        using var metrics = new MetricRecorder(server.Id);
        server.RequestHandled(RoomOp.Join, ReplyCode.Done);
        server.RequestHandled(RoomOp.Join, ReplyCode.InviteOnly);
        server.RequestHandled(RoomOp.Kick, ReplyCode.NotOperator);

        metrics.Sum(ChatMetrics.RequestsHandled).ShouldBe(3);
        metrics.SumWhere(ChatMetrics.RequestsHandled, "op=join").ShouldBe(2);
        metrics.SumWhere(ChatMetrics.RequestsHandled, "op=join", "result=invite_only").ShouldBe(1);
        metrics.SumWhere(ChatMetrics.RequestsHandled, "op=kick", "result=not_operator").ShouldBe(1);
    }
}
