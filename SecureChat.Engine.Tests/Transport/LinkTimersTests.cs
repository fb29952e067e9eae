using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Transport;

/// <summary>
/// Every deadline of a link (<see cref="LinkTimers"/>) fires when it is due and not a tick before, on the clock the
/// options give (a <see cref="FakeTimeProvider"/> here: no test waits for real time to pass). Links run over real TCP
/// on 127.0.0.1; a fake clock's timers fire on the thread that advances it, so what a deadline does has happened by
/// the time <see cref="FakeTimeProvider.Advance"/> returns.
/// </summary>
public sealed class LinkTimersTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_tick = TimeSpan.FromTicks(1);

    /// <summary>Keeps the timers a test is not about out of its way.</summary>
    private static ChatOptions Quiet(FakeTimeProvider time) => new()
    {
        Time = time,
        HeartbeatInterval = TimeSpan.FromHours(1),
        IdleTimeout = TimeSpan.FromHours(2),
        RekeyAfterTime = TimeSpan.FromDays(1),
        TickInterval = TimeSpan.FromDays(1),
        HandshakeTimeout = TimeSpan.FromHours(1),
        HandshakeStepTimeout = TimeSpan.FromHours(1),
    };

    [Fact]
    public async Task The_handshake_deadline_ends_a_silent_handshake_when_the_handshake_timeout_has_passed_and_not_a_tick_before()
    {
        var time = new FakeTimeProvider();
        ChatOptions options = Quiet(time) with { HandshakeTimeout = TimeSpan.FromSeconds(10) };
        (Socket peer, Socket accepted) = await LinkPair.ConnectedSocketsAsync();
        Link link = ServerLink(accepted, options);
        using (peer)
        {
            link.Start(); // the peer never says a word

            time.Advance(options.HandshakeTimeout - s_tick);
            link.IsEnded.ShouldBeFalse("ended a tick early");
            time.Advance(s_tick);
            link.IsEnded.ShouldBeTrue("still alive when the deadline was due");
            link.Failure!.Reason.ShouldBe(FailureReason.HandshakeTimeout);
            output.WriteLine($"ended at {options.HandshakeTimeout.TotalSeconds} s of fake time: {link.Failure.Message}");
        }

        await link.Completion.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task The_step_deadline_ends_an_admitted_handshake_whose_peer_owes_a_message_when_the_step_timeout_has_passed_and_not_a_tick_before()
    {
        var time = new FakeTimeProvider();
        ChatOptions options = Quiet(time) with { HandshakeStepTimeout = TimeSpan.FromSeconds(5) };
        (Socket peer, Socket accepted) = await LinkPair.ConnectedSocketsAsync();
        Link link = ServerLink(accepted, options);
        using (peer)
        {
            Link? expired = null;
            link.Timers.WatchSteps(l => expired = l); // as the hub's admission does
            link.Start();

            time.Advance(options.HandshakeStepTimeout - s_tick);
            link.IsEnded.ShouldBeFalse("ended a tick early");
            time.Advance(s_tick);
            link.IsEnded.ShouldBeTrue("still alive when the step deadline was due");
            link.Failure!.Reason.ShouldBe(FailureReason.HandshakeTimeout);
            link.Failure.Message.ShouldContain("no answer for 5 s");
            expired.ShouldBeSameAs(link, "the admission was not told");
            output.WriteLine($"ended at {options.HandshakeStepTimeout.TotalSeconds} s of fake time: {link.Failure.Message}");
        }

        await link.Completion.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_secure_link_sends_a_heartbeat_each_time_it_has_sent_nothing_for_the_heartbeat_interval_and_not_a_tick_before()
    {
        var time = new FakeTimeProvider();
        ChatOptions client = Quiet(time) with { HeartbeatInterval = TimeSpan.FromSeconds(20) };
        await using LinkPair pair = await LinkPair.EstablishedAsync(client, Quiet(new FakeTimeProvider()));
        ulong sent = pair.Client.RecordsSent;
        ulong heard = pair.Server.RecordsReceived;

        for (int beat = 1; beat <= 3; beat++)
        {
            time.Advance(client.HeartbeatInterval - s_tick);
            pair.Client.RecordsSent.ShouldBe(sent + (ulong)beat - 1, $"heartbeat {beat} sent a tick early");
            time.Advance(s_tick);
            pair.Client.RecordsSent.ShouldBe(sent + (ulong)beat, $"heartbeat {beat} not sent when due");
        }

        await Eventually.True(() => pair.Server.RecordsReceived >= heard + 3, "the peer to receive the three heartbeats (and the lag probe sent once secure, when it came after the count was read)");
        pair.Client.IsSecure.ShouldBeTrue();
        output.WriteLine($"3 heartbeats at 20, 40 and 60 s of fake time; the peer opened {pair.Server.RecordsReceived - heard} records");
    }

    [Fact]
    public async Task A_secure_link_whose_peer_is_silent_for_the_idle_timeout_ends_then_and_not_a_tick_before()
    {
        // The hub's side of the link: a hub acknowledges every heartbeat of its client, so a client's peer is never
        // silent while it lives; a client answers nothing, so the hub's own heartbeat is no sign of the client's life.
        var time = new FakeTimeProvider();
        ChatOptions server = Quiet(time) with { HeartbeatInterval = TimeSpan.FromSeconds(30), IdleTimeout = TimeSpan.FromSeconds(45) };
        await using LinkPair pair = await LinkPair.EstablishedAsync(Quiet(new FakeTimeProvider()), server);
        await Eventually.True(() => pair.Server.RecordsReceived >= 2, "the client's first lag probe to reach the hub");

        time.Advance(server.HeartbeatInterval); // its own heartbeat is no sign of the peer's life
        time.Advance(server.IdleTimeout - server.HeartbeatInterval - s_tick);
        pair.Server.IsEnded.ShouldBeFalse("ended a tick early");
        time.Advance(s_tick);
        pair.Server.IsEnded.ShouldBeTrue("still alive when the idle timeout was due");
        pair.Server.Failure!.Reason.ShouldBe(FailureReason.IdleTimeout);
        output.WriteLine($"ended at {server.IdleTimeout.TotalSeconds} s of fake time: {pair.Server.Failure.Message}");
    }

    [Fact]
    public async Task A_secure_link_starts_a_rekey_when_its_keys_reach_the_rekey_age_and_not_a_tick_before()
    {
        var time = new FakeTimeProvider();
        ChatOptions client = Quiet(time) with { RekeyAfterTime = TimeSpan.FromMinutes(10) };
        await using LinkPair pair = await LinkPair.EstablishedAsync(client, Quiet(new FakeTimeProvider()));
        string first = pair.Client.Snapshot().Fingerprint!;

        time.Advance(client.RekeyAfterTime - s_tick);
        pair.Client.Stage.ShouldBe(SessionStage.Secure, "rekeying a tick early");
        time.Advance(s_tick);
        pair.Client.Stage.ShouldBe(SessionStage.Rekeying, "no rekey when the keys reached the rekey age");

        await Eventually.True(
            () => pair.Client.Stage == SessionStage.Secure && pair.Server.Stage == SessionStage.Secure && pair.Client.Snapshot().Fingerprint != first,
            "the rekey to finish");
        pair.Client.Snapshot().Fingerprint.ShouldBe(pair.Server.Snapshot().Fingerprint);
        output.WriteLine($"rekeyed at {client.RekeyAfterTime.TotalMinutes} min of fake time: {first} -> {pair.Client.Snapshot().Fingerprint}");
    }

    [Fact]
    public void Held_presence_notices_are_flushed_when_the_presence_delay_has_passed_and_not_a_tick_before()
    {
        var time = new FakeTimeProvider();
        TimeSpan delay = TimeSpan.FromMilliseconds(250);
        using var flusher = new PresenceFlusher(delay, time);
        var first = new CountingHolder();
        var second = new CountingHolder();

        flusher.Schedule(first);
        time.Advance(TimeSpan.FromMilliseconds(100));
        flusher.Schedule(second); // goes out with the first one's batch
        time.Advance(delay - TimeSpan.FromMilliseconds(100) - s_tick);
        (first.Flushes, second.Flushes).ShouldBe((0, 0), "flushed a tick early");
        time.Advance(s_tick);
        (first.Flushes, second.Flushes).ShouldBe((1, 1), "not flushed when the delay was due");

        flusher.Schedule(first); // the timer is armed again for the next batch
        time.Advance(delay - s_tick);
        first.Flushes.ShouldBe(1);
        time.Advance(s_tick);
        first.Flushes.ShouldBe(2);
        output.WriteLine($"two batches, each {delay.TotalMilliseconds} ms of fake time after its first notice");
    }

    /// <summary>The hub's link for <paramref name="accepted"/>, made as the hub makes it and not started.</summary>
    private static Link ServerLink(Socket accepted, ChatOptions options) =>
        new(1, accepted, SessionSettingsFactory.Create(options, SessionRole.Server, "hub", null), new LinkContext(options), (_, _) => { }, "peer");

    private sealed class CountingHolder : IHeldPresence
    {
        private int _flushes;

        public int Flushes => Volatile.Read(ref _flushes);

        public void FlushHeldPresence() => Interlocked.Increment(ref _flushes);
    }
}
