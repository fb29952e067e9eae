using System.Collections.Concurrent;
using System.Net;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;
using static SecureChat.Engine.Tests.Adversarial.AdmissionProbe;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// The v2 proof of work (PROTOCOL.md 3.3 "Puzzle"): what makes the server ask for it, an honest client that
/// solves it, and answers the server must refuse.
/// Live attacks on a real <see cref="ChatServer"/> on 127.0.0.1 with attackers on raw sockets (see
/// <see cref="AdmissionProbe"/> for the addresses used); every test checks why the server refused, not only that it did.
/// </summary>
[Collection(HeavyCollection.Name)]
public sealed class PuzzleAdmissionTests
{
    private static readonly TimeSpan s_read = ReadTimeout;

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
}
