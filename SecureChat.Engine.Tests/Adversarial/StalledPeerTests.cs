using System.Collections.Concurrent;
using System.Diagnostics;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// Secure peers that go silent, live on 127.0.0.1 (PROTOCOL.md 5 "Heartbeat and idle limit": a secure side that has
/// sealed nothing for the heartbeat interval seals a Heartbeat; a side that has opened nothing for the idle limit
/// ends the session with a sealed Close 12). The limits are shortened (3 s idle, 1 s heartbeat, ticks every
/// 0.1 s) to keep the tests short; the attacker completes a real v2 handshake first, so only the idle limit can
/// drop it. Timings are asserted only as generous bounds: dropped no sooner than the idle limit allows (less a
/// margin for dispatch) and well within a few seconds after it.
/// </summary>
[Collection(HeavyCollection.Name)]
public sealed class StalledPeerTests
{
    private static readonly TimeSpan s_read = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_idle = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan s_tooEarly = s_idle - TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan s_tooLate = s_idle + TimeSpan.FromSeconds(3.5);

    private static ChatOptions Quick => new()
    {
        IdleTimeout = s_idle,
        HeartbeatInterval = TimeSpan.FromSeconds(1),
        TickInterval = TimeSpan.FromMilliseconds(100),
    };

    /// <summary>
    /// The server has room for one peer. The attacker takes it, completes the handshake and then sends nothing (it
    /// reads the server's heartbeats and never answers): while it holds the slot a newcomer is refused as busy; at
    /// the idle limit the server drops it with a sealed Close 12 and a newcomer gets in.
    /// </summary>
    [Fact]
    public async Task A_client_silent_after_its_handshake_is_dropped_at_the_idle_limit_and_its_slot_is_freed()
    {
        await using LiveServer live = LiveServer.Start(Quick with { MaxPeers = 1 });
        var clock = Stopwatch.StartNew();
        var securedAt = new ConcurrentDictionary<int, TimeSpan>();
        var failedAt = new ConcurrentDictionary<int, TimeSpan>();
        live.Server.Established += p => securedAt.TryAdd(LiveServer.PortOf(p), clock.Elapsed);
        live.Server.Failed += (p, _) => failedAt.TryAdd(LiveServer.PortOf(p), clock.Elapsed);

        await using RawClient silent = await RawClient.ConnectAsync(live.Port);
        (await silent.HandshakeAsync()).ShouldBeTrue("the attacker completes a real handshake");
        await Eventually.True(() => securedAt.ContainsKey(silent.LocalPort), "the server to confirm the attacker's keys", s_read);

        await using (RawClient newcomer = await RawClient.ConnectAsync(live.Port))
        {
            (await newcomer.ReadAlertAsync(s_read)).ShouldNotBeNull("refused while the slot is held").Code.ShouldBe(AlertCode.ServerBusy);
        }

        List<FrameType> received = await ReadUntilClosedAsync(silent);

        (await live.FailureFor(silent.LocalPort)).Reason.ShouldBe(FailureReason.IdleTimeout);
        TimeSpan dropped = failedAt[silent.LocalPort] - securedAt[silent.LocalPort];
        string figures = $"dropped {dropped.TotalMilliseconds:0} ms after its keys were confirmed; received {string.Join(", ", received)}";
        TestContext.Current.TestOutputHelper?.WriteLine(figures);
        dropped.ShouldBeInRange(s_tooEarly, s_tooLate, figures);
        received.Count(t => t == FrameType.Heartbeat).ShouldBeGreaterThan(0, "the server kept its side alive: " + figures);
        var events = new List<SessionEvent>();
        silent.Session.DrainEvents(events);
        events.OfType<ClosedEvent>().ShouldHaveSingleItem(figures).Code.ShouldBe(AlertCode.IdleTimeout, "a sealed Close 12");

        await Eventually.True(() => live.Server.Peers.Count == 0, "the server to free the slot", s_read);
        await live.ShouldStillServeAnHonestClient();
    }

    /// <summary>
    /// The other side: an attacker's server accepts a real <see cref="ChatClient"/>, completes the handshake, then
    /// never sends again (it reads everything). The client keeps sending heartbeats, and at its idle limit ends the
    /// session as timed out with a sealed Close 12.
    /// </summary>
    [Fact]
    public async Task A_server_silent_after_the_handshake_makes_the_client_end_the_session_as_timed_out()
    {
        using RawServer server = RawServer.Listen();
        await using var client = new ChatClient(Quick with { Name = "victim" });
        var clock = Stopwatch.StartNew();
        TimeSpan securedAt = TimeSpan.Zero;
        var failed = new TaskCompletionSource<(TimeSpan At, SessionFailure Failure)>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Established += _ => securedAt = clock.Elapsed;
        client.Failed += (_, f) => failed.TrySetResult((clock.Elapsed, f));

        Task connecting = client.ConnectAsync("127.0.0.1", server.Port);
        await using RawClient silent = await server.AcceptAsync();
        (await silent.HandshakeAsync()).ShouldBeTrue("the attacker's server completes a real handshake");
        await connecting.WaitAsync(s_read);

        List<FrameType> received = await ReadUntilClosedAsync(silent);

        (TimeSpan at, SessionFailure failure) = await failed.Task.WaitAsync(s_read);
        TimeSpan dropped = at - securedAt;
        string figures = $"ended {dropped.TotalMilliseconds:0} ms after secure; the server received {string.Join(", ", received)}";
        TestContext.Current.TestOutputHelper?.WriteLine(figures);
        failure.Reason.ShouldBe(FailureReason.IdleTimeout, figures);
        failure.Message.ShouldContain("timed out");
        dropped.ShouldBeInRange(s_tooEarly, s_tooLate, figures);
        received.Count(t => t == FrameType.Heartbeat).ShouldBeGreaterThan(0, "the client kept its side alive: " + figures);
        var events = new List<SessionEvent>();
        silent.Session.DrainEvents(events);
        events.OfType<ClosedEvent>().ShouldHaveSingleItem(figures).Code.ShouldBe(AlertCode.IdleTimeout, "a sealed Close 12");
        client.Server.ShouldNotBeNull().Stage.ShouldBe(SessionStage.Failed);
    }

    /// <summary>
    /// The contrast: an honest client and server with the same short limits, both silent (no chat) for three idle
    /// limits. Their heartbeats keep the session alive on both sides, and a message still goes both ways after.
    /// </summary>
    [Fact]
    public async Task Heartbeats_keep_an_idle_honest_session_alive_past_the_idle_limit_on_both_sides()
    {
        await using LiveServer live = LiveServer.Start(Quick);
        await using var client = new ChatClient(Quick with { Name = "quiet" });
        var clientFailures = new ConcurrentQueue<SessionFailure>();
        var received = new ConcurrentQueue<string>();
        client.Failed += (_, f) => clientFailures.Enqueue(f);
        client.MessageReceived += m => received.Enqueue(m.Text);
        await client.ConnectAsync("127.0.0.1", live.Port).WaitAsync(s_read);

        await Task.Delay(s_idle * 3);

        live.Failures.ShouldBeEmpty();
        clientFailures.ShouldBeEmpty();
        client.Server.ShouldNotBeNull().Stage.ShouldBe(SessionStage.Secure);
        live.Server.SecurePeerCount.ShouldBe(1);
        await client.SendAsync("still here");
        await Eventually.True(() => live.CountMessages("still here") == 1, "the message to reach the server", s_read);
        await live.Server.SendAsync("so am I");
        await Eventually.True(() => received.Contains("so am I"), "the answer to reach the client", s_read);
    }

    /// <summary>
    /// Reads (and opens) what the other side sends until it closes the connection, never answering; throws when it
    /// has not closed well after the idle limit (a peer that is never dropped fails the test instead of hanging it).
    /// </summary>
    private static async Task<List<FrameType>> ReadUntilClosedAsync(RawClient silent)
    {
        TimeSpan limit = s_tooLate + TimeSpan.FromSeconds(1);
        var received = new List<FrameType>();
        var reading = Stopwatch.StartNew();
        while (await silent.ReadFrameAsync(TimeSpan.FromTicks(Math.Max(1, (limit - reading.Elapsed).Ticks))) is { } frame)
        {
            received.Add((FrameType)frame[0]);
            silent.Session.Receive(frame);
        }

        return received;
    }
}
