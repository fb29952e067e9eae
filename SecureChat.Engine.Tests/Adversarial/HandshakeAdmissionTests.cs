using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Tests.Support;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// Live attacks on the v2 admission and proof of work (PROTOCOL.md 3.3 "Puzzle" and 8 "Limits"; issue 9, item 7):
/// a real <see cref="ChatServer"/> on 127.0.0.1, attackers on raw sockets. Per-source behaviour needs distinct
/// source prefixes (per-source limits count a /24 as one source): attackers bind 127.0.N.1 for N of 2 and up (Linux
/// routes all of 127/8 to lo); <see cref="ChatClient"/>, the honest
/// side, always connects from 127.0.0.1. Every test checks why the server refused, not only that it did.
/// </summary>
[Collection(HeavyCollection.Name)]
public sealed class HandshakeAdmissionTests
{
    private static readonly TimeSpan s_read = TimeSpan.FromSeconds(10);

    // ---- 1. The puzzle, for an honest client and for one that does not answer -----------------------------------

    [Fact]
    public async Task AnHonestClientSolvesThePuzzleBecomesSecureAndChats()
    {
        await using LiveServer live = LiveServer.Start(new ChatOptions { Puzzle = PuzzleMode.Always, PuzzleBits = 12 });
        await using var client = new ChatClient(new ChatOptions { Name = "solver" });
        var stages = new ConcurrentQueue<SessionStage>();
        client.StageChanged += p => stages.Enqueue(p.Stage);

        await client.ConnectAsync("127.0.0.1", live.Port).WaitAsync(TimeSpan.FromSeconds(10));

        stages.ShouldContain(SessionStage.SolvingPuzzle);
        stages.Last().ShouldBe(SessionStage.Secure);
        await client.SendAsync("after the work");
        await Eventually.True(() => live.CountMessages("after the work") == 1, "the message to reach the server", s_read);
    }

    [Fact]
    public async Task AClientHelloWithoutAnAnswerGetsAPuzzleAndTheServerKeepsNothing()
    {
        await using LiveServer live = LiveServer.Start(new ChatOptions { Puzzle = PuzzleMode.Always, PuzzleBits = 12 });
        int baseline = live.Server.Peers.Count;

        await using RawClient raw = await RawClient.ConnectAsync(live.Port);
        await raw.SendAsync(HelloFrame(RandomNonce()));
        PuzzleMessage puzzle = await ReadPuzzleAsync(raw);

        puzzle.Difficulty.ShouldBe((byte)12);
        puzzle.Window.ShouldBeInRange(CurrentWindow(TimeProvider.System) - 1, CurrentWindow(TimeProvider.System));
        (await raw.ServerClosesAsync(s_read)).ShouldBeTrue("the server closes after the puzzle");
        await Eventually.True(() => live.Server.Peers.Count == baseline, "the server to drop the link", s_read);
        live.HasFailureFor(raw.LocalPort).ShouldBeFalse("a puzzle is not a failure worth reporting");
    }

    // ---- 1b. What makes the server ask: each trigger of the default policy on its own -----------------------------

    /// <summary>
    /// The load trigger alone (PROTOCOL.md 3.3: "while more key derivations wait for a slot than can run at once").
    /// One derivation slot, a server count of 1,000,000 iterations, the per-address rate and penalty out of the way
    /// (<see cref="LoopbackLimits"/>), so only the load can ask. Four raw clients from 127.0.2.1 send ClientHello and
    /// Commit (each answered with a ServerHello: nothing is loaded yet), then their Reveals: one derivation runs and
    /// three wait, and the server is overloaded for the next three derivations. A well-formed ClientHello from an
    /// address the server has never seen gets a Puzzle, and an honest <see cref="ChatClient"/> gets in by solving one.
    /// Once the derivations are done, the same address's next hello gets a ServerHello: the load asked, not the
    /// address. With the load trigger removed (ChatServer's gate reading false), the first hello gets a ServerHello
    /// and this test fails.
    /// </summary>
    [Fact]
    public async Task WhileDerivationsWaitForASlotANewClientHelloGetsAPuzzleAndAnHonestClientSolvesItAndGetsIn()
    {
        const int iterations = 1_000_000;
        await using LiveServer live = LiveServer.Start(new ChatOptions
        {
            Iterations = iterations,
            MaxDerivations = 1,
            PuzzleBits = 8,
            HandshakeTimeout = TimeSpan.FromSeconds(60),
        });
        var loaders = new List<RawClient>();
        try
        {
            var loader = IPAddress.Parse("127.0.2.1");
            var reveals = new List<byte[]>();
            for (int i = 0; i < 4; i++)
            {
                Precomputed handshake = Precomputed.Create();
                RawClient raw = await RawClient.ConnectAsync(live.Port, from: loader);
                loaders.Add(raw);
                await raw.SendAsync([.. handshake.Hello, .. handshake.Commit]);
                (await raw.ReadFrameAsync(s_read)).ShouldNotBeNull()[0].ShouldBe((byte)FrameType.ServerHello, $"loader {i} is not asked for work");
                (await ReadUntilAsync(raw, FrameType.KeyShare)).ShouldBeTrue($"loader {i}'s KeyShare");
                reveals.Add(handshake.Reveal);
            }

            for (int i = 0; i < loaders.Count; i++)
            {
                await loaders[i].SendAsync(reveals[i]);
            }

            await Eventually.True(() => live.Server.KeyDerivationDemand == 4, "the four derivations to be running or waiting", s_read);

            var fresh = IPAddress.Parse("127.0.3.1");
            PuzzleMessage puzzle = await AskAsync(live.Port, RandomNonce(), null, from: fresh);
            puzzle.Difficulty.ShouldBe((byte)8, "the configured difficulty: no penalty adds to it");

            await using var honest = new ChatClient(new ChatOptions { Name = "honest", HandshakeTimeout = TimeSpan.FromSeconds(60) });
            var stages = new ConcurrentQueue<SessionStage>();
            honest.StageChanged += p => stages.Enqueue(p.Stage);
            await honest.ConnectAsync("127.0.0.1", live.Port).WaitAsync(TimeSpan.FromSeconds(90));
            stages.ShouldContain(SessionStage.SolvingPuzzle, "the honest client was asked for work too");
            stages.Last().ShouldBe(SessionStage.Secure);
            await honest.SendAsync("in under load");
            await Eventually.True(() => live.CountMessages("in under load") == 1, "the honest message to reach the server", s_read);

            await Eventually.True(() => live.Server.KeyDerivationDemand == 0, "the derivations to end", TimeSpan.FromSeconds(90));
            (await AnswerAsync(live.Port, RandomNonce(), null, from: fresh)).ShouldBe(FrameType.ServerHello, "without the load nobody is asked");
        }
        finally
        {
            foreach (RawClient raw in loaders)
            {
                await raw.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// The rate trigger alone (PROTOCOL.md 3.3: "when the client's address has started more handshakes than its rate
    /// allows"). The server's clock for the rate stands still (<see cref="ManualTime"/>), so an address's burst is
    /// exactly twice its rate (here 5 a second: 10) and refills only when the test moves the clock; nothing derives,
    /// so the load cannot ask. Ten well-formed ClientHellos from 127.0.70.1 get ServerHellos, the eleventh a Puzzle,
    /// while 127.0.71.1 still gets a ServerHello; a second later the flooder has five more. With the rate trigger
    /// removed from PuzzleGate, the eleventh gets a ServerHello and this test fails.
    /// </summary>
    [Fact]
    public async Task AnAddressOverItsHandshakeRateGetsAPuzzleWhileAnotherAddressDoesNot()
    {
        var clock = new ManualTime();
        await using LiveServer live = LiveServer.Start(
            new ChatOptions
            {
                HandshakeRate = 5,
                HandshakesPerSource = 1_000,
                ConfirmationPenalty = TimeSpan.Zero,
                PuzzleBits = 8,
                Time = clock,
            },
            sourceLimits: true);
        var flooder = IPAddress.Parse("127.0.70.1");

        for (int i = 1; i <= 10; i++)
        {
            (await AnswerAsync(live.Port, RandomNonce(), null, from: flooder)).ShouldBe(FrameType.ServerHello, $"hello {i} is within the burst");
        }

        PuzzleMessage puzzle = await AskAsync(live.Port, RandomNonce(), null, from: flooder);
        puzzle.Difficulty.ShouldBe((byte)8);
        live.Server.KeyDerivationDemand.ShouldBe(0, "nothing derives: the load did not ask");
        (await AnswerAsync(live.Port, RandomNonce(), null, from: IPAddress.Parse("127.0.71.1"))).ShouldBe(FrameType.ServerHello, "another address has its own rate");

        clock.Advance(TimeSpan.FromSeconds(1));
        for (int i = 1; i <= 5; i++)
        {
            (await AnswerAsync(live.Port, RandomNonce(), null, from: flooder)).ShouldBe(FrameType.ServerHello, $"refilled hello {i}");
        }

        (await AskAsync(live.Port, RandomNonce(), null, from: flooder)).Difficulty.ShouldBe((byte)8, "over the rate again");
    }

    // ---- 2. Answers the server must refuse ------------------------------------------------------------------------

    [Fact]
    public async Task AWrongCounterAnotherNoncesAnswerAnOldWindowAndAReplayedAnswerEachGetANewPuzzle()
    {
        // The server's wall clock is ours to move: it starts 10 s into a minute, so moving it by whole minutes
        // crosses exactly that many windows even if the test is slow.
        var clock = new ShiftedTime();
        await using LiveServer live = LiveServer.Start(new ChatOptions { Puzzle = PuzzleMode.Always, PuzzleBits = 12, Time = clock });
        const int difficulty = 12;

        // A wrong counter for a real challenge: a fresh puzzle, same binding (same nonce, same window).
        byte[] nonce = RandomNonce();
        PuzzleMessage puzzle = await AskAsync(live.Port, nonce, null);
        ulong right = HandshakePuzzle.Solve(puzzle.Challenge, difficulty, CancellationToken.None);
        ulong wrong = FirstNonSolution(puzzle.Challenge, difficulty, after: right);
        (await AskAsync(live.Port, nonce, new PuzzleSolution(puzzle.Window, wrong))).Challenge.ShouldBe(puzzle.Challenge);

        // The right answer is accepted once (so the refusals here are about the answers, not the server) ...
        (await AnswerAsync(live.Port, nonce, new PuzzleSolution(puzzle.Window, right))).ShouldBe(FrameType.ServerHello);

        // ... and a replay of it (same N_hc, same answer) is not.
        (await AnswerAsync(live.Port, nonce, new PuzzleSolution(puzzle.Window, right))).ShouldBe(FrameType.Puzzle, "an answer works once");

        // An answer solved for one nonce, sent with another.
        byte[] solvedFor = RandomNonce();
        PuzzleMessage solvedPuzzle = await AskAsync(live.Port, solvedFor, null);
        ulong counter = HandshakePuzzle.Solve(solvedPuzzle.Challenge, difficulty, CancellationToken.None);
        byte[] other;
        do
        {
            other = RandomNonce();
        }
        while (HandshakePuzzle.IsSolution((await AskAsync(live.Port, other, null)).Challenge, counter, difficulty)); // 1 in 4,096: pick another
        (await AnswerAsync(live.Port, other, new PuzzleSolution(solvedPuzzle.Window, counter))).ShouldBe(FrameType.Puzzle, "the answer is bound to N_hc");

        // Windows: one minute old is accepted (the previous window), two minutes old is not.
        byte[] fresh = RandomNonce();
        byte[] stale = RandomNonce();
        PuzzleMessage freshPuzzle = await AskAsync(live.Port, fresh, null);
        PuzzleMessage stalePuzzle = await AskAsync(live.Port, stale, null);
        var freshAnswer = new PuzzleSolution(freshPuzzle.Window, HandshakePuzzle.Solve(freshPuzzle.Challenge, difficulty, CancellationToken.None));
        var staleAnswer = new PuzzleSolution(stalePuzzle.Window, HandshakePuzzle.Solve(stalePuzzle.Challenge, difficulty, CancellationToken.None));
        clock.Advance(TimeSpan.FromMinutes(1));
        (await AnswerAsync(live.Port, fresh, freshAnswer)).ShouldBe(FrameType.ServerHello, "the previous window still counts");
        clock.Advance(TimeSpan.FromMinutes(1));
        PuzzleMessage again = await AskAsync(live.Port, stale, staleAnswer);
        again.Window.ShouldBe(stalePuzzle.Window + 2, "a new puzzle for the current window");
    }

    // ---- 3. Replayed precomputed handshakes (v1: four a second kept every honest client out) ----------------------

    /// <summary>
    /// The v1 attack: ClientHello, Commit and Reveal computed once (no passphrase, so nothing depends on the server's
    /// nonce) and replayed on connection after connection from 127.0.2.1, each one a full PBKDF2 for the server.
    /// With the default policy the attacker's first confirmation it walks away from puts its address under the
    /// penalty and its rate runs out: it gets puzzles, and the server derives a handful of times, not once per
    /// replay. With the gate off (the control case: <see cref="PuzzleMode.Never"/>, no penalty) every replay costs
    /// the server a derivation: the same assertions fail there, which is what shows the gate is what stops it.
    /// Measured here (2 cores, shared, 4 replay loops for 4 s): defaults: 1,585-5,797 replays, 4 derivations (the
    /// first replays in flight before the first walk-away), every other replay a puzzle, honest clients in within
    /// 0.3-1.1 s; control: 33-43 replays, every one derived by the server (its whole derivation capacity).
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ReplayedPrecomputedHandshakesGetPuzzlesWhileHonestClientsGetIn(bool gate)
    {
        ChatOptions options = gate
            ? new ChatOptions { PuzzleBits = 12 }
            : new ChatOptions { Puzzle = PuzzleMode.Never, ConfirmationPenalty = TimeSpan.Zero };
        await using LiveServer live = LiveServer.Start(options, sourceLimits: true);
        Precomputed replay = Precomputed.Create();
        var attacker = IPAddress.Parse("127.0.2.1");
        var outcomes = new ConcurrentBag<FrameType?>();
        var attack = Stopwatch.StartNew();
        TimeSpan length = TimeSpan.FromSeconds(4);

        // The control's replays each cost the server a whole PBKDF2, so a loaded machine may fit few into the 4 s: it
        // goes on (for at most a minute) until it has more than the 10 it must show.
        bool GoOn() => attack.Elapsed < length || (!gate && outcomes.Count <= 10 && attack.Elapsed < TimeSpan.FromMinutes(1));

        async Task ReplayLoopAsync()
        {
            while (GoOn())
            {
                await using RawClient raw = await RawClient.ConnectAsync(live.Port, from: attacker);
                await raw.SendAsync([.. replay.Hello, .. replay.Commit, .. replay.Reveal]);
                outcomes.Add(await ReplayOutcomeAsync(raw));
            }
        }

        Task[] attackers = [.. Enumerable.Range(0, 4).Select(_ => Task.Run(ReplayLoopAsync))];
        await Task.Delay(500);
        TimeSpan[] honest = gate ? await Task.WhenAll(Enumerable.Range(0, 3).Select(i => HonestClientAsync(live.Port, $"honest{i}"))) : [];
        await Task.WhenAll(attackers);

        int replays = outcomes.Count;
        int derived = outcomes.Count(o => o == FrameType.ServerAuth);
        int puzzles = outcomes.Count(o => o == FrameType.Puzzle);
        // Server side: a derived replay ends when the attacker walks away after ServerAuth (ConnectionLost); a puzzled
        // one is not reported at all.
        int ServerDerived() => live.Failures.Count(f => From(f.Peer, attacker) && f.Failure.Reason == FailureReason.ConnectionLost);
        await Eventually.True(() => ServerDerived() >= derived, "the server to report every derived replay's end", s_read);
        int serverDerived = ServerDerived();
        string figures = $"{replays} replays, {derived} derived, {puzzles} puzzles, server {serverDerived}, honest {string.Join(", ", honest.Select(t => $"{t.TotalMilliseconds:0} ms"))}";
        TestContext.Current.TestOutputHelper?.WriteLine(figures);

        if (gate)
        {
            replays.ShouldBeGreaterThan(100, figures);
            serverDerived.ShouldBeLessThanOrEqualTo(20, figures); // at most the per-address burst, whatever the replay rate
            derived.ShouldBeLessThanOrEqualTo(20, figures);
            puzzles.ShouldBeGreaterThanOrEqualTo(replays - 20, figures);
            honest.ShouldAllBe(t => t < TimeSpan.FromSeconds(10), figures);
        }
        else
        {
            // The control: no gate, and every replay is a full PBKDF2 for the server.
            replays.ShouldBeGreaterThan(10, figures);
            derived.ShouldBe(replays, figures);
            serverDerived.ShouldBe(replays, figures);
            puzzles.ShouldBe(0, figures);
        }
    }

    // ---- 4. ClientHello, then nothing (v1: ~33 connections a second gave every honest client "busy") --------------

    /// <summary>
    /// 33 stalled handshakes a second from three addresses (11/s each: under the per-address rate, so they are not
    /// puzzled), each a valid ClientHello and then silence. The step deadline (lowered to 2 s to keep the test short;
    /// the flood's shape is v1's) drops them with "no answer for", each address holds at most its 16 (the rest
    /// refused with RateLimited), and the honest clients arriving during the flood get in at the first try.
    /// </summary>
    [Fact]
    public async Task ClientHelloThenStallAtThirtyThreeASecondIsDroppedByTheStepDeadlineAndHonestClientsGetIn()
    {
        await using LiveServer live = LiveServer.Start(new ChatOptions { HandshakeStepTimeout = TimeSpan.FromSeconds(2) }, sourceLimits: true);
        IPAddress[] sources = [.. Enumerable.Range(10, 3).Select(i => IPAddress.Parse($"127.0.{i}.1"))];
        var answers = new ConcurrentBag<(FrameType? First, AlertCode? Alert, TimeSpan HeldFor)>();
        var stalls = new List<Task>();
        int peakPending = 0;
        var flood = Stopwatch.StartNew();
        TimeSpan length = TimeSpan.FromSeconds(6);

        Task<TimeSpan[]> honest = Task.Run(async () =>
        {
            await Task.Delay(2_500); // the slots are as full as the flood makes them
            return await Task.WhenAll(Enumerable.Range(0, 3).Select(i => HonestClientAsync(live.Port, $"honest{i}")));
        });

        for (int n = 0; flood.Elapsed < length; n++)
        {
            IPAddress source = sources[n % sources.Length];
            stalls.Add(Task.Run(async () =>
            {
                var held = Stopwatch.StartNew();
                await using RawClient raw = await RawClient.ConnectAsync(live.Port, from: source);
                await raw.SendAsync(HelloFrame(RandomNonce()));
                (FrameType? first, AlertCode? alert) = await FirstFrameThenAlertAsync(raw);
                answers.Add((first, alert, held.Elapsed));
            }));
            peakPending = Math.Max(peakPending, live.Server.Peers.Count(p => p.IsHandshaking));
            while (flood.Elapsed < TimeSpan.FromSeconds((n + 1) / 33.0))
            {
                await Task.Delay(5);
            }
        }

        TimeSpan[] honestTimes = await honest.WaitAsync(TimeSpan.FromSeconds(20));
        await Task.WhenAll(stalls).WaitAsync(TimeSpan.FromSeconds(20));

        int timedOut = answers.Count(a => a.First == FrameType.ServerHello && a.Alert == AlertCode.Timeout);
        int limited = answers.Count(a => a.First == FrameType.Alert && a.Alert == AlertCode.RateLimited);
        int serverTimeouts = live.Failures.Count(f => f.Failure.Reason == FailureReason.HandshakeTimeout && f.Failure.Message.Contains("no answer for 2 s", StringComparison.Ordinal));
        string figures = $"{answers.Count} stalled, {timedOut} timed out, {limited} rate-limited, other {answers.Count - timedOut - limited}, " +
            $"server timeouts {serverTimeouts}, peak pending {peakPending}, honest {string.Join(", ", honestTimes.Select(t => $"{t.TotalMilliseconds:0} ms"))}; " +
            $"other answers: {string.Join(", ", answers.Where(a => !(a.First == FrameType.ServerHello && a.Alert == AlertCode.Timeout) && !(a.First == FrameType.Alert && a.Alert == AlertCode.RateLimited)).Select(a => $"{a.First?.ToString() ?? "nothing"}/{a.Alert?.ToString() ?? "no alert"} after {a.HeldFor.TotalMilliseconds:0} ms"))}; " +
            $"other server failures: {string.Join(", ", live.Failures.Where(f => f.Failure.Reason is not (FailureReason.HandshakeTimeout or FailureReason.RateLimited)).Select(f => f.Failure.Message).Distinct())}";
        TestContext.Current.TestOutputHelper?.WriteLine(figures);

        answers.Count.ShouldBeGreaterThan(180, figures);
        (timedOut + limited).ShouldBe(answers.Count, figures); // nothing else: no puzzle, no "busy"
        timedOut.ShouldBeGreaterThan(3 * 16, figures);
        serverTimeouts.ShouldBe(timedOut, figures);
        answers.Where(a => a.Alert == AlertCode.Timeout).ShouldAllBe(a => a.HeldFor < TimeSpan.FromSeconds(4), figures);
        peakPending.ShouldBeLessThanOrEqualTo(3 * 16 + 3, figures);
    }

    [Fact]
    public async Task AtTheFullBoundTheMostStalledHandshakeIsEvictedToLetANewcomerIn()
    {
        // No early drop (it starts at the full bound), so the eviction alone decides.
        await using LiveServer live = LiveServer.Start(Patient(new ChatOptions { MaxHandshakes = 20, EarlyDropStart = 20 }), sourceLimits: true);
        var stalled = new List<RawClient>();
        try
        {
            for (int i = 0; i < 20; i++)
            {
                RawClient raw = await RawClient.ConnectAsync(live.Port, from: IPAddress.Parse(i < 10 ? "127.0.20.1" : "127.0.21.1"));
                stalled.Add(raw);
                await raw.SendAsync(HelloFrame(RandomNonce()));
                (await raw.ReadFrameAsync(s_read)).ShouldNotBeNull()[0].ShouldBe((byte)FrameType.ServerHello);
                await Task.Delay(20); // a clear order of staleness
            }

            TimeSpan took = await HonestClientAsync(live.Port, "newcomer");

            AlertMessage? evicted = await stalled[0].ReadAlertAsync(s_read);
            evicted.ShouldNotBeNull("the oldest stall is told").Code.ShouldBe(AlertCode.ServerBusy);
            (await live.FailureFor(stalled[0].LocalPort)).Reason.ShouldBe(FailureReason.ServerBusy);
            live.HasFailureFor(stalled[1].LocalPort).ShouldBeFalse("only the most stalled one makes room");
            TestContext.Current.TestOutputHelper?.WriteLine($"newcomer in after {took.TotalMilliseconds:0} ms");
        }
        finally
        {
            foreach (RawClient raw in stalled)
            {
                await raw.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// With early drop below the bound (the default shape: from 64 at 30%, here from 10 of 20), the attacker retries
    /// until the bound is full of stalls. A newcomer then evicts the most stalled one to make room, and must get that
    /// room: the early drop (93% at 19 of 20) must not refuse it after the eviction. Three rounds, so the test cannot
    /// pass by luck (0.07^3) when it does.
    /// </summary>
    [Fact]
    public async Task AnEvictionAtTheFullBoundIsNotUndoneByTheEarlyDrop()
    {
        await using LiveServer live = LiveServer.Start(Patient(new ChatOptions { MaxHandshakes = 20, EarlyDropStart = 10, EarlyDropPercent = 30 }), sourceLimits: true);
        var stalled = new List<RawClient>();
        try
        {
            for (int round = 0; round < 3; round++)
            {
                // The attacker retries until the bound is full of stalls again (the last newcomer's slot is free).
                for (int tries = 0; stalled.Count < 20 && tries < 2_000; tries++)
                {
                    RawClient raw = await RawClient.ConnectAsync(live.Port, from: IPAddress.Parse($"127.0.{50 + tries % 4}.1"));
                    await raw.SendAsync(HelloFrame(RandomNonce()));
                    byte[]? frame = await raw.ReadFrameAsync(s_read);
                    if (frame?[0] == (byte)FrameType.ServerHello)
                    {
                        stalled.Add(raw);
                    }
                    else
                    {
                        await raw.DisposeAsync();
                    }
                }

                stalled.Count.ShouldBe(20, "the attacker fills the bound by retrying");
                await HonestClientAsync(live.Port, $"newcomer{round}");
                RawClient oldest = stalled[0];
                (await oldest.ReadAlertAsync(s_read)).ShouldNotBeNull($"round {round}: the oldest stall is evicted").Code.ShouldBe(AlertCode.ServerBusy);
                stalled.RemoveAt(0);
                await oldest.DisposeAsync();
            }
        }
        finally
        {
            foreach (RawClient raw in stalled)
            {
                await raw.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task TheSeventeenthPendingHandshakeFromOneAddressIsRateLimitedAndAnotherAddressIsNot()
    {
        await using LiveServer live = LiveServer.Start(Patient(new ChatOptions()), sourceLimits: true);
        var flooder = IPAddress.Parse("127.0.30.1");
        var stalled = new List<RawClient>();
        try
        {
            await StallUpToThePerSourceLimitAsync(live.Port, flooder, stalled);

            await using RawClient seventeenth = await RawClient.ConnectAsync(live.Port, from: flooder);
            AlertMessage? alert = await seventeenth.ReadAlertAsync(s_read);
            alert.ShouldNotBeNull("refused before it sends anything").Code.ShouldBe(AlertCode.RateLimited);
            (await live.FailureFor(seventeenth.LocalPort)).Reason.ShouldBe(FailureReason.RateLimited);

            await using RawClient neighbour = await RawClient.ConnectAsync(live.Port, from: IPAddress.Parse("127.0.31.1"));
            await neighbour.SendAsync(HelloFrame(RandomNonce()));
            (await neighbour.ReadFrameAsync(s_read)).ShouldNotBeNull()[0].ShouldBe((byte)FrameType.ServerHello);
        }
        finally
        {
            foreach (RawClient raw in stalled)
            {
                await raw.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task ARefusedConnectionWhoseClientHelloIsAlreadyThereGetsOnlyTheRefusal()
    {
        // The refusal is decided at accept time, but the link's reader used to start before it was applied: a
        // ClientHello already in the socket could be answered with a ServerHello first (a CI run saw one
        // connection answered ServerHello, then RateLimited).
        await using LiveServer live = LiveServer.Start(Patient(new ChatOptions()), sourceLimits: true);
        var flooder = IPAddress.Parse("127.0.32.1");
        var stalled = new List<RawClient>();
        var firstFrames = new List<string>();
        try
        {
            await StallUpToThePerSourceLimitAsync(live.Port, flooder, stalled);

            for (int i = 0; i < RefusedWithHello; i++)
            {
                await using RawClient refused = await RawClient.ConnectAsync(live.Port, from: flooder);
                await refused.SendAsync(HelloFrame(RandomNonce())); // in the socket before the server's reader can look
                byte[]? first = await refused.ReadFrameAsync(s_read);
                bool refusal = first is not null && first[0] == (byte)FrameType.Alert
                    && AlertMessage.TryParse(first.AsSpan(WireFormat.FrameHeaderSize), out AlertMessage alert) && alert.Code == AlertCode.RateLimited;
                if (!refusal)
                {
                    firstFrames.Add(first is null ? "nothing" : ((FrameType)first[0]).ToString());
                }
            }

            firstFrames.ShouldBeEmpty($"of {RefusedWithHello} refused connections, these were first answered otherwise than with the refusal");
        }
        finally
        {
            foreach (RawClient raw in stalled)
            {
                await raw.DisposeAsync();
            }
        }
    }

    private const int RefusedWithHello = 300;

    /// <summary>
    /// <paramref name="options"/> with handshake deadlines of minutes: for tests whose stalls must hold the admission
    /// however long a loaded machine takes over the rest (the step deadline has its own tests above).
    /// </summary>
    private static ChatOptions Patient(ChatOptions options) =>
        options with { HandshakeStepTimeout = TimeSpan.FromMinutes(5), HandshakeTimeout = TimeSpan.FromMinutes(5) };

    /// <summary>
    /// Opens as many handshakes from <paramref name="from"/> as the server lets one address have pending (16 by
    /// default), each a ClientHello answered with a ServerHello and then left to stall; adds them to <paramref name="stalled"/>.
    /// </summary>
    private static async Task StallUpToThePerSourceLimitAsync(int port, IPAddress from, List<RawClient> stalled)
    {
        for (int i = 0; i < new ChatOptions().HandshakesPerSource; i++)
        {
            RawClient raw = await RawClient.ConnectAsync(port, from: from);
            stalled.Add(raw);
            await raw.SendAsync(HelloFrame(RandomNonce()));
            (await raw.ReadFrameAsync(s_read)).ShouldNotBeNull($"stall {i + 1}")[0].ShouldBe((byte)FrameType.ServerHello, $"stall {i + 1}");
        }
    }

    // ---- 5. A derivation whose peer left or timed out is never run (v1: one closed connection cost 4 s) ------------

    /// <summary>
    /// One derivation slot and a server count of 1,000,000 iterations (~1-2 s here). A's derivation runs; B sends its
    /// Reveal and resets the connection at once, so its derivation waits for the slot behind A's; C queues behind
    /// both. When A's is done, B's must be dropped without PBKDF2: the server reports B's end as soon as A's
    /// derivation is over, not one derivation later, and C's ServerAuth comes one derivation after A's. What is
    /// asserted is the server's count of derivations: 2 (A's and C's); the timing is only printed (a timed assertion
    /// failed under a loaded machine while the count held).
    /// Measured: B's end reported ~0-10 ms after A's ServerAuth; C's derivation ~1-2 s. With the check for a departed
    /// peer removed from LinkJobs, the server runs three derivations and this test fails.
    /// </summary>
    [Fact]
    public async Task ADerivationWhosePeerLeftWhileWaitingForASlotIsNeverRun()
    {
        const int iterations = 1_000_000;
        await using LiveServer live = LiveServer.Start(new ChatOptions
        {
            Iterations = iterations,
            MaxIterations = iterations,
            MaxDerivations = 1,
            Puzzle = PuzzleMode.Never,
            HandshakeTimeout = TimeSpan.FromSeconds(30),
        });
        var clock = Stopwatch.StartNew();
        var failedAt = new ConcurrentDictionary<int, TimeSpan>();
        live.Server.Failed += (peer, _) => failedAt.TryAdd(LiveServer.PortOf(peer), clock.Elapsed);

        await using RawClient a = await RawClient.ConnectAsync(live.Port);
        await a.SendAsync(Precomputed.Create().All);
        (await ReadUntilAsync(a, FrameType.KeyShare)).ShouldBeTrue("A's derivation starts");

        RawClient b = await RawClient.ConnectAsync(live.Port);
        int bPort = b.LocalPort;
        await b.SendAsync(Precomputed.Create().All);
        (await ReadUntilAsync(b, FrameType.KeyShare)).ShouldBeTrue("B's Reveal is in");
        b.Abort();

        await using RawClient c = await RawClient.ConnectAsync(live.Port);
        await c.SendAsync(Precomputed.Create().All);
        (await ReadUntilAsync(c, FrameType.KeyShare)).ShouldBeTrue();

        (await ReadUntilAsync(a, FrameType.ServerAuth, TimeSpan.FromSeconds(20))).ShouldBeTrue("A's derivation ends");
        TimeSpan aDone = clock.Elapsed;
        (await ReadUntilAsync(c, FrameType.ServerAuth, TimeSpan.FromSeconds(20))).ShouldBeTrue("C's derivation ends");
        TimeSpan derivation = clock.Elapsed - aDone;

        (await live.FailureFor(bPort)).Reason.ShouldBe(FailureReason.ConnectionLost);
        await Eventually.True(() => live.Server.KeyDerivationDemand == 0, "every derivation to leave the queue", s_read);
        live.Server.KeyDerivationsRun.ShouldBe(2, "A's and C's: B's was dropped before PBKDF2");
        TimeSpan bEnded = failedAt[bPort] - aDone;
        string figures = $"B's end reported {bEnded.TotalMilliseconds:0} ms after A's ServerAuth; C's derivation {derivation.TotalMilliseconds:0} ms";
        TestContext.Current.TestOutputHelper?.WriteLine(figures); // the timing, for reading; the count above is the proof
    }

    /// <summary>
    /// The other half of the rule: a handshake whose deadline passes while its derivation waits for a slot is never
    /// derived. One slot, a server count of 10,000,000 iterations (~2.5 s here) and a whole-handshake deadline of
    /// 1.2 s (long enough for A to reach its derivation on a loaded machine, short enough to pass while A's runs).
    /// A's derivation runs (the server's count of derivations reaches 1); B sends its Reveal and stays
    /// connected, reading, so its derivation waits behind A's and its deadline passes there: the server fails it
    /// (HandshakeTimeout, Alert Timeout to B) while A's derivation still holds the slot (checked, not assumed). When
    /// the slot frees, B's must be dropped: the server ran one derivation, A's, not two. B never leaves, so the check
    /// for a departed peer cannot be what drops it: the ended session is. With the job taken before the wait for a
    /// slot (so the session's end is not looked at once the slot is free), the server runs two and this test fails.
    /// </summary>
    [Fact]
    public async Task ADerivationWhoseHandshakeTimedOutWhileWaitingForASlotIsNeverRun()
    {
        const int iterations = ChatOptions.MaximumIterations;
        await using LiveServer live = LiveServer.Start(new ChatOptions
        {
            Iterations = iterations,
            MaxIterations = iterations,
            MaxDerivations = 1,
            Puzzle = PuzzleMode.Never,
            HandshakeTimeout = TimeSpan.FromMilliseconds(1200),
        });
        var atFailure = new ConcurrentDictionary<int, (int Demand, long Run)>();
        live.Server.Failed += (peer, _) => atFailure.TryAdd(LiveServer.PortOf(peer), (live.Server.KeyDerivationDemand, live.Server.KeyDerivationsRun));

        await using RawClient a = await RawClient.ConnectAsync(live.Port);
        await a.SendAsync(Precomputed.Create().All);
        await Eventually.True(() => live.Server.KeyDerivationsRun == 1, "A's derivation to start", s_read);

        await using RawClient b = await RawClient.ConnectAsync(live.Port);
        await b.SendAsync(Precomputed.Create().All);
        (await ReadUntilAsync(b, FrameType.KeyShare)).ShouldBeTrue("B's Reveal follows its KeyShare");
        AlertMessage? alert = await b.ReadAlertAsync(s_read);
        alert.ShouldNotBeNull("B is told its handshake took too long").Code.ShouldBe(AlertCode.Timeout);
        (await live.FailureFor(b.LocalPort)).Reason.ShouldBe(FailureReason.HandshakeTimeout);
        (int demand, long run) = atFailure[b.LocalPort];
        string when = $"at B's timeout: {demand} derivations running or waiting, {run} run";
        TestContext.Current.TestOutputHelper?.WriteLine(when);
        (demand, run).ShouldBe((2, 1L), $"B's deadline must pass while A's derivation holds the slot and B's waits ({when}); raise the iteration count if A's ended first");

        await Eventually.True(() => live.Server.KeyDerivationDemand == 0, "A's derivation to end and B's to leave the queue", TimeSpan.FromSeconds(60));
        live.Server.KeyDerivationsRun.ShouldBe(1, "only A's derivation ran");
    }

    // ---- 6. Failed confirmations slow the guesser ------------------------------------------------------------------

    [Fact]
    public async Task EachFailedConfirmationMakesTheGuessersNextPuzzleOneBitHarderAndLeavesOtherAddressesAlone()
    {
        await using LiveServer live = LiveServer.Start(
            new ChatOptions { Passphrase = Encoding.UTF8.GetBytes("tulip-1987"), PuzzleBits = 8 }, sourceLimits: true);
        byte passphraseFlag = WireFormat.FlagPassphrase;

        // Before any failure, nobody is asked for work.
        (await AnswerAsync(live.Port, RandomNonce(), null, passphraseFlag)).ShouldBe(FrameType.ServerHello);

        for (int failures = 1; failures <= 3; failures++)
        {
            await using var guesser = new ChatClient(new ChatOptions { Passphrase = Encoding.UTF8.GetBytes($"guess-{failures}") });
            ChatConnectionException refused = await Should.ThrowAsync<ChatConnectionException>(() => guesser.ConnectAsync("127.0.0.1", live.Port).WaitAsync(TimeSpan.FromSeconds(10)));
            refused.Failure.Reason.ShouldBe(FailureReason.KeyConfirmationFailed);
            await Eventually.True(
                () => live.Failures.Count(f => f.Failure.Reason == FailureReason.KeyConfirmationFailed) == failures,
                "the server to see the failed confirmation", s_read);

            PuzzleMessage puzzle = await AskAsync(live.Port, RandomNonce(), null, passphraseFlag);
            puzzle.Difficulty.ShouldBe((byte)(8 + failures - 1), $"after {failures} failures");
        }

        (await AnswerAsync(live.Port, RandomNonce(), null, passphraseFlag, IPAddress.Parse("127.0.40.1")))
            .ShouldBe(FrameType.ServerHello, "another address is not penalised");
    }

    // ---- Helpers --------------------------------------------------------------------------------------------------

    private static byte[] RandomNonce() => System.Security.Cryptography.RandomNumberGenerator.GetBytes(WireFormat.NonceSize);

    private static uint CurrentWindow(TimeProvider time) => (uint)(time.GetUtcNow().ToUnixTimeSeconds() / 60);

    private static bool From(PeerInfo peer, IPAddress address) => peer.RemoteEndPoint is IPEndPoint ip && ip.Address.Equals(address);

    private static byte[] HelloFrame(byte[] nonce, PuzzleSolution? solution = null, byte flags = 0)
    {
        var hello = new ClientHello([WireFormat.Version2], [(ushort)DhGroupId.Ffdhe2048], flags, nonce, solution);
        byte[] body = new byte[hello.Size];
        hello.Write(body);
        return RawClient.Frame((byte)FrameType.ClientHello, body);
    }

    private static ulong FirstNonSolution(byte[] challenge, int difficulty, ulong after)
    {
        ulong counter = after + 1;
        while (HandshakePuzzle.IsSolution(challenge, counter, difficulty))
        {
            counter++;
        }

        return counter;
    }

    private static async Task<PuzzleMessage> ReadPuzzleAsync(RawClient raw)
    {
        byte[] frame = (await raw.ReadFrameAsync(s_read)).ShouldNotBeNull("the server closed without answering");
        ((FrameType)frame[0]).ShouldBe(FrameType.Puzzle);
        PuzzleMessage.TryParse(frame.AsSpan(WireFormat.FrameHeaderSize), out PuzzleMessage puzzle).ShouldBeTrue();
        return puzzle;
    }

    /// <summary>Sends one ClientHello on a new connection and expects a Puzzle.</summary>
    private static async Task<PuzzleMessage> AskAsync(int port, byte[] nonce, PuzzleSolution? solution, byte flags = 0, IPAddress? from = null)
    {
        await using RawClient raw = await RawClient.ConnectAsync(port, from: from);
        await raw.SendAsync(HelloFrame(nonce, solution, flags));
        return await ReadPuzzleAsync(raw);
    }

    /// <summary>Sends one ClientHello on a new connection; returns the type of the server's first frame.</summary>
    private static async Task<FrameType> AnswerAsync(int port, byte[] nonce, PuzzleSolution? solution, byte flags = 0, IPAddress? from = null)
    {
        await using RawClient raw = await RawClient.ConnectAsync(port, from: from);
        await raw.SendAsync(HelloFrame(nonce, solution, flags));
        byte[] frame = (await raw.ReadFrameAsync(s_read)).ShouldNotBeNull("the server closed without answering");
        return (FrameType)frame[0];
    }

    /// <summary>A replay's result: Puzzle, ServerAuth (the server derived), an Alert, or null (closed).</summary>
    private static async Task<FrameType?> ReplayOutcomeAsync(RawClient raw)
    {
        while (await raw.ReadFrameAsync(s_read) is { } frame)
        {
            var type = (FrameType)frame[0];
            if (type is FrameType.Puzzle or FrameType.ServerAuth or FrameType.Alert)
            {
                return type;
            }
        }

        return null;
    }

    private static async Task<bool> ReadUntilAsync(RawClient raw, FrameType wanted, TimeSpan? timeout = null)
    {
        while (await raw.ReadFrameAsync(timeout ?? s_read) is { } frame)
        {
            if ((FrameType)frame[0] == wanted)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The first frame's type and, if any, the Alert that ends the connection.</summary>
    private static async Task<(FrameType? First, AlertCode? Alert)> FirstFrameThenAlertAsync(RawClient raw)
    {
        FrameType? first = null;
        while (await raw.ReadFrameAsync(TimeSpan.FromSeconds(15)) is { } frame)
        {
            first ??= (FrameType)frame[0];
            if (frame[0] == (byte)FrameType.Alert && AlertMessage.TryParse(frame.AsSpan(WireFormat.FrameHeaderSize), out AlertMessage alert))
            {
                return (first, alert.Code);
            }
        }

        return (first, null);
    }

    /// <summary>An honest client connects (solving any puzzle), exchanges a message, leaves; returns how long getting in took.</summary>
    private static async Task<TimeSpan> HonestClientAsync(int port, string name)
    {
        var took = Stopwatch.StartNew();
        await using var client = new ChatClient(new ChatOptions { Name = name });
        await client.ConnectAsync("127.0.0.1", port).WaitAsync(TimeSpan.FromSeconds(10));
        TimeSpan elapsed = took.Elapsed;
        await client.SendAsync("hello from " + name);
        return elapsed;
    }

    /// <summary>A client's first three handshake messages, computed once, valid for any server without a passphrase.</summary>
    private sealed record Precomputed(byte[] Hello, byte[] Commit, byte[] Reveal)
    {
        public byte[] All => [.. Hello, .. Commit, .. Reveal];

        public static Precomputed Create()
        {
            DhGroup group = DhGroup.Ffdhe2048;
            using DhKeyPair key = DiffieHellman.GenerateKeyPair(group, SystemRandom.Instance);
            byte[] opening = RandomNonce();
            byte[] commitment = new byte[WireFormat.CommitmentSize];
            KeySchedule.ComputeCommitment(group.Id, key.PublicValue, opening, commitment);
            byte[] reveal = new byte[KeyShareMessage.Size(group.ElementSize)];
            KeyShareMessage.Write(reveal, opening, key.PublicValue);
            return new Precomputed(
                HelloFrame(RandomNonce()),
                RawClient.Frame((byte)FrameType.Commit, commitment),
                RawClient.Frame((byte)FrameType.Reveal, reveal));
        }
    }

    /// <summary>The system clock, with a wall time the test moves (timestamps and timers stay real).</summary>
    private sealed class ShiftedTime : TimeProvider
    {
        private TimeSpan _offset;

        public ShiftedTime()
        {
            DateTimeOffset now = TimeProvider.System.GetUtcNow();
            _offset = TimeSpan.FromSeconds(70 - now.Second) - TimeSpan.FromMilliseconds(now.Millisecond); // 10 s into the next minute
        }

        public override DateTimeOffset GetUtcNow() => TimeProvider.System.GetUtcNow() + _offset;

        public void Advance(TimeSpan by) => _offset += by;
    }
}
