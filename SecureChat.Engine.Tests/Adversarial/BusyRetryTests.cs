using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// A <see cref="ChatClient"/> refused before the hello, as busy (Alert 7) or as one address too many (Alert 13), by a
/// hub whose admission is held by stalled handshakes, connects again after a jittered, doubling pause (PROTOCOL.md 6,
/// "A client refused as busy"), where without the retry it would have been refused for good; and it never retries
/// after the ServerHello, nor on any other alert. Each attempt is a new connection with a fresh hello nonce.
/// </summary>
[Collection(HeavyCollection.Name)]
public sealed class BusyRetryTests
{
    private static readonly TimeSpan s_read = TimeSpan.FromSeconds(10);

    /// <summary>How the hub refuses the honest client while two stalled handshakes hold its admission.</summary>
    public enum Refusal
    {
        /// <summary>Early drop at 100% from two handshakes in progress (OpenSSH's MaxStartups 2:100:8).</summary>
        Busy,

        /// <summary>At most two handshakes in progress per address, and the stalls come from the client's own address.</summary>
        RateLimited,
    }

    /// <summary>
    /// Two stalled handshakes (ClientHello, then nothing) hold the hub's admission until its step deadline (0.5 s, on
    /// the test's clock, moved once the honest client has been refused) drops them. An honest client arriving meanwhile is refused at its first connection, every time. Without
    /// retries (0) it gives up with the refusal; with the default it waits, connects again, and gets in once the
    /// stalls are gone, and the app hears of the wait only as the stage <see cref="SessionStage.WaitingToRetry"/>, not
    /// as a failure.
    /// </summary>
    [Theory]
    [InlineData(Refusal.Busy, 0)]
    [InlineData(Refusal.Busy, -1)]
    [InlineData(Refusal.RateLimited, 0)]
    [InlineData(Refusal.RateLimited, -1)]
    public async Task An_honest_client_refused_while_stalls_hold_the_admission_gets_in_by_retrying(Refusal refusal, int retries)
    {
        var clientOptions = new ChatOptions { Name = "honest" };
        if (retries >= 0)
        {
            clientOptions = clientOptions with { BusyRetries = retries };
        }

        bool busy = refusal == Refusal.Busy;
        ChatOptions serverOptions = busy
            ? new ChatOptions { MaxHandshakes = 8, EarlyDropStart = 2, EarlyDropPercent = 100 }
            : new ChatOptions { HandshakesPerSource = 2 };
        // The hub's step deadline runs on a clock the test moves: the stalls hold the admission exactly until the
        // honest client has been refused once, however slowly a loaded machine gets there, and the honest client's
        // own steps can never run out of time.
        var time = new ManualTime();
        await using LiveServer live = LiveServer.Start(serverOptions with { HandshakeStepTimeout = TimeSpan.FromSeconds(0.5), Time = time }, sourceLimits: !busy);
        FailureReason expected = busy ? FailureReason.ServerBusy : FailureReason.RateLimited;

        // The stalls: admitted (a ServerHello each), then silent. Busy: from another address; rate-limited: from the
        // honest client's own, 127.0.0.1.
        IPAddress stallFrom = busy ? IPAddress.Parse("127.0.2.1") : IPAddress.Loopback;
        var stalls = new List<RawClient>();
        try
        {
            for (int i = 0; i < 2; i++)
            {
                RawClient stall = await RawClient.ConnectAsync(live.Port, from: stallFrom);
                stalls.Add(stall);
                await stall.SendAsync(stall.Produce(s => s.Start()));
                (await stall.ReadFrameAsync(s_read)).ShouldNotBeNull()[0].ShouldBe((byte)FrameType.ServerHello);
            }

            await using var client = new ChatClient(clientOptions);
            var stages = new ConcurrentQueue<PeerInfo>();
            var failures = new ConcurrentQueue<SessionFailure>();
            client.StageChanged += stages.Enqueue;
            client.Failed += (_, f) => failures.Enqueue(f);
            var took = Stopwatch.StartNew();
            Task<Exception?> connecting = Record.ExceptionAsync(() => client.ConnectAsync("127.0.0.1", live.Port)).AsTask();
            await Eventually.True(() => RefusalsOfTheHonestClient() > 0, "the honest client's first refusal", s_read);
            time.Advance(TimeSpan.FromSeconds(1)); // the stalls are past their step deadline: the next sweep drops them
            Exception? refused = await connecting.WaitAsync(TimeSpan.FromSeconds(20));
            took.Stop();

            BusyRetry[] waits = [.. stages.Where(s => s.Stage == SessionStage.WaitingToRetry).Select(s => s.Retry.ShouldNotBeNull())];
            int refusals = RefusalsOfTheHonestClient();
            string figures = $"{refusal}, retries {(retries < 0 ? "default" : retries)}: {(refused is null ? "in" : "refused")} after {took.ElapsedMilliseconds} ms, " +
                $"{waits.Length} waits ({string.Join(", ", waits.Select(w => $"{w.Attempt}/{w.Of} {w.Delay.TotalMilliseconds:0} ms"))}), hub refused {refusals}";
            TestContext.Current.TestOutputHelper?.WriteLine(figures);

            if (retries == 0)
            {
                refused.ShouldBeOfType<ChatConnectionException>(figures).Failure.Reason.ShouldBe(expected);
                failures.ShouldHaveSingleItem(figures).Reason.ShouldBe(expected);
                waits.ShouldBeEmpty(figures);
                refusals.ShouldBe(1, figures);
            }
            else
            {
                refused.ShouldBeNull(figures);
                failures.ShouldBeEmpty("a refusal that is retried is not a failure the app sees: " + figures);
                waits.Length.ShouldBeGreaterThan(0, figures);
                waits.Select(w => w.Attempt).ShouldBe(Enumerable.Range(1, waits.Length), figures);
                waits.ShouldAllBe(w => w.Of == new ChatOptions().BusyRetries && w.Reason == expected, figures);
                refusals.ShouldBe(waits.Length, figures);
                // Past their step deadline the stalls are dropped: by the sweep, or (busy) one evicted to make room for
                // the retry the early drop would refuse.
                await Eventually.True(
                    () => stalls.All(s => live.Failures.Any(f => LiveServer.PortOf(f.Peer) == s.LocalPort && f.Failure.Reason is FailureReason.HandshakeTimeout or FailureReason.ServerBusy)),
                    "the step deadline to drop the stalls", s_read);
                await client.SendAsync("in at last");
                await Eventually.True(() => live.CountMessages("in at last") == 1, "the message to reach the hub", s_read);
            }
        }
        finally
        {
            foreach (RawClient stall in stalls)
            {
                await stall.DisposeAsync();
            }
        }

        int RefusalsOfTheHonestClient() =>
            live.Failures.Count(f => LiveServer.PortOf(f.Peer) != stalls[0].LocalPort && LiveServer.PortOf(f.Peer) != stalls[1].LocalPort && f.Failure.Reason == expected);
    }

    /// <summary>
    /// A server that refuses every connection as busy before its hello: the client connects exactly 1 + retries times,
    /// each with a new ClientHello nonce, pausing at least half of 250 ms, 500 ms, 1 s, 2 s in turn, then gives up with
    /// the refusal, reported once.
    /// </summary>
    [Theory]
    [InlineData(AlertCode.ServerBusy, 4)]
    [InlineData(AlertCode.RateLimited, 2)]
    [InlineData(AlertCode.ServerBusy, 0)]
    public async Task A_client_refused_every_time_connects_once_plus_its_retries_with_fresh_nonces_and_doubling_pauses(AlertCode code, int retries)
    {
        using RawServer server = RawServer.Listen();
        await using var client = new ChatClient(new ChatOptions { BusyRetries = retries });
        var failures = new ConcurrentQueue<SessionFailure>();
        client.Failed += (_, f) => failures.Enqueue(f);
        Task<Exception?> connecting = Record.ExceptionAsync(() => client.ConnectAsync("127.0.0.1", server.Port)).AsTask();

        var nonces = new List<byte[]>();
        var arrivals = new List<TimeSpan>();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i <= retries; i++)
        {
            await using RawClient refuser = RawClient.Accepted((await server.AcceptSocketAsync(s_read)).ShouldNotBeNull($"connection {i + 1}"));
            arrivals.Add(clock.Elapsed);
            nonces.Add(await ReadHelloNonceAsync(refuser));
            await refuser.SendAsync(AlertFrame(code));
        }

        Exception? refused = await connecting.WaitAsync(s_read);
        Socket? extra = await server.AcceptSocketAsync(TimeSpan.FromSeconds(2.5));
        extra?.Dispose();
        TimeSpan[] gaps = [.. arrivals.Skip(1).Select((t, i) => t - arrivals[i])];
        string figures = $"{arrivals.Count} connections, gaps {string.Join(", ", gaps.Select(g => $"{g.TotalMilliseconds:0} ms"))}";
        TestContext.Current.TestOutputHelper?.WriteLine(figures);

        extra.ShouldBeNull("no connection beyond the retries: " + figures);
        refused.ShouldBeOfType<ChatConnectionException>(figures).Failure.Reason.ShouldBe(AlertMapping.FailureFor(new AlertMessage(code, 0), SessionRole.Client).Reason);
        failures.ShouldHaveSingleItem(figures);
        nonces.Select(Convert.ToHexString).Distinct().Count().ShouldBe(nonces.Count, "a fresh nonce each time: " + figures);
        for (int i = 0; i < gaps.Length; i++)
        {
            TimeSpan floor = TimeSpan.FromMilliseconds(125 << i); // half of 250 ms doubled i times (the cap, 2 s, is not reached here)
            gaps[i].ShouldBeGreaterThanOrEqualTo(floor - TimeSpan.FromMilliseconds(20), figures);
            gaps[i].ShouldBeLessThan(floor * 2 + TimeSpan.FromSeconds(2), figures);
        }
    }

    /// <summary>Refusals other than busy and rate-limited, and any refusal after the ServerHello, are final: one connection.</summary>
    [Theory]
    [InlineData(AlertCode.Timeout, false)]
    [InlineData(AlertCode.HandshakeFailed, false)]
    [InlineData(AlertCode.PassphraseMismatch, false)]
    [InlineData(AlertCode.ServerShuttingDown, false)]
    [InlineData(AlertCode.ServerBusy, true)]
    [InlineData(AlertCode.RateLimited, true)]
    public async Task A_client_does_not_retry_other_refusals_nor_a_busy_refusal_after_the_server_hello(AlertCode code, bool afterServerHello)
    {
        using RawServer server = RawServer.Listen();
        await using var client = new ChatClient(new ChatOptions());
        Task<Exception?> connecting = Record.ExceptionAsync(() => client.ConnectAsync("127.0.0.1", server.Port)).AsTask();

        await using (RawClient refuser = await server.AcceptAsync())
        {
            refuser.Session.Start();
            byte[] hello = (await refuser.ReadFrameAsync(s_read)).ShouldNotBeNull();
            if (afterServerHello)
            {
                refuser.Session.Receive(hello);
                refuser.Session.Receive((await refuser.ReadFrameAsync(s_read)).ShouldNotBeNull("the client's early Commit")); // the ServerHello goes out with the KeyShare
                byte[] serverHello = refuser.TakeOutput();
                serverHello[0].ShouldBe((byte)FrameType.ServerHello);
                await refuser.SendAsync(serverHello);
            }

            await refuser.SendAsync(AlertFrame(code));
            Exception? refused = await connecting.WaitAsync(s_read);
            refused.ShouldBeOfType<ChatConnectionException>().Failure.Reason.ShouldBe(AlertMapping.FailureFor(new AlertMessage(code, 0), SessionRole.Client).Reason);
        }

        Socket? again = await server.AcceptSocketAsync(TimeSpan.FromSeconds(1.5)); // a retry would come within 250 ms
        again?.Dispose();
        again.ShouldBeNull("refused for good after one connection");
        client.Server.ShouldNotBeNull().Stage.ShouldBe(SessionStage.Failed);
    }

    private static byte[] AlertFrame(AlertCode code)
    {
        byte[] body = new byte[AlertMessage.Size];
        new AlertMessage(code, 0).Write(body);
        return RawClient.Frame((byte)FrameType.Alert, body);
    }

    private static async Task<byte[]> ReadHelloNonceAsync(RawClient connection)
    {
        byte[] frame = (await connection.ReadFrameAsync(s_read)).ShouldNotBeNull();
        frame[0].ShouldBe((byte)FrameType.ClientHello);
        ClientHello.TryParse(frame.AsSpan(WireFormat.FrameHeaderSize), out ClientHello? hello).ShouldBeTrue();
        hello!.Solution.ShouldBeNull("no puzzle here");
        return hello.Nonce;
    }
}
