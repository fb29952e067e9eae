using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Transport;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// The puzzle's bookkeeping under attack (PROTOCOL.md 3.3): the answers it remembers (each works once) and the
/// per-source rate that decides who must solve one. Neither may be turned against everyone: a full table of used
/// answers must not refuse the next valid answer, and many addresses of one network share one rate.
/// </summary>
[Collection(HeavyCollection.Name)]
public sealed class PuzzleTableTests
{
    private const int Difficulty = 1;

    /// <summary>
    /// An attacker answers as many puzzles within one window as the server remembers (v2: 65,536, at the default 2^18
    /// hashes each about 546 answers a second for two minutes; now <see cref="PuzzleGate.AnswersPerWindowMax"/>). Here
    /// the server's difficulty is 1 bit, its wall clock stays in one window, and the answers are handed to the
    /// server's puzzle gate in-process exactly as its sessions hand each ClientHello to it, so the test takes seconds,
    /// not the network's time for half a million connections. The next valid answer from another network must still
    /// be accepted, and an honest client must get in by solving its puzzle; the attacker's own network gets at most
    /// its per-source share of answers accepted unremembered, then none.
    /// </summary>
    [Fact]
    public async Task A_full_table_of_used_answers_does_not_refuse_an_honest_clients_valid_answer()
    {
        // The hub's wall time stands 10 s into the current minute's puzzle window, so today's date: the honest client's
        // key packages carry lifetimes from its own clock (from an hour before its own now), and a hub
        // standing at a fixed date hours away refuses them, so the operator never adds the client to #lobby's group and
        // its text never reaches it.
        DateTimeOffset now = DateTimeOffset.UtcNow;
        var windowStart = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
        await using LiveServer live = LiveServer.Start(new ChatOptions { Puzzle = PuzzleMode.Always, PuzzleBits = Difficulty, Time = new WallClock(windowStart.AddSeconds(10)) }, sourceLimits: true);
        var attacker = IPAddress.Parse("127.0.90.1");
        var clock = Stopwatch.StartNew();
        int accepted = 0;
        for (int i = 0; i < PuzzleGate.AnswersPerWindowMax; i++)
        {
            accepted += AnswerOnce(live.Server, attacker) ? 1 : 0;
        }

        TimeSpan filled = clock.Elapsed;
        int beyond = 0;
        for (int i = 0; i < 100; i++)
        {
            beyond += AnswerOnce(live.Server, attacker) ? 1 : 0;
        }

        bool honestIn = AnswerOnce(live.Server, IPAddress.Loopback);
        Exception? honest = await Record.ExceptionAsync(() => live.ShouldStillServeAnHonestClient(TimeSpan.FromSeconds(20)));
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"attacker answers accepted: {accepted} of {PuzzleGate.AnswersPerWindowMax:N0} in {filled.TotalSeconds:0.0} s, then {beyond} of 100 more; " +
            $"the next valid answer from another network accepted: {honestIn}; honest ChatClient: {(honest is null ? "served" : honest.Message)}");

        honestIn.ShouldBeTrue("the next valid answer after the table filled");
        honest.ShouldBeNull();
        beyond.ShouldBeLessThanOrEqualTo(new ChatOptions().HandshakesPerSource);
    }

    /// <summary>
    /// 60 ClientHellos without answers, one each from 60 addresses of one /24, faster than the per-source rate (10 a
    /// second, bursts of 20): the network is over its rate, so after its burst the hellos get puzzles.
    /// </summary>
    [Fact]
    public async Task Sixty_hellos_from_sixty_addresses_of_one_slash_24_share_one_rate()
    {
        await using LiveServer live = LiveServer.Start(new ChatOptions { HandshakesPerSource = 1_000 }, sourceLimits: true);
        int puzzled = 0;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < 60; i++)
        {
            await using RawClient raw = await RawClient.ConnectAsync(live.Port, from: IPAddress.Parse($"127.0.91.{10 + i}"));
            await raw.SendAsync(PrefixLimitTests.HelloFrame());
            byte[] first = (await raw.ReadFrameAsync(TimeSpan.FromSeconds(10))).ShouldNotBeNull();
            puzzled += first[0] == (byte)FrameType.Puzzle ? 1 : 0;
        }

        TimeSpan took = clock.Elapsed;
        int allowed = (int)(20 + 10 * took.TotalSeconds) + 1;
        TestContext.Current.TestOutputHelper?.WriteLine($"60 hellos from 60 addresses of 127.0.91.0/24 in {took.TotalSeconds:0.0} s: {puzzled} puzzled, {60 - puzzled} not (the rate allows {allowed})");
        (60 - puzzled).ShouldBeLessThanOrEqualTo(allowed);
    }

    /// <summary>Asks the server's puzzle gate for a challenge as a ClientHello from <paramref name="from"/> would, solves it, and answers; true when the answer is accepted.</summary>
    private static bool AnswerOnce(ChatServer server, IPAddress from)
    {
        var gate = server.Puzzles.For(from);
        byte[] nonce = RandomNumberGenerator.GetBytes(WireFormat.NonceSize);
        ClientHello ask = new([WireFormat.Version], [(ushort)DhGroupId.Ffdhe2048], 0, nonce, null);
        PuzzleMessage puzzle = gate.Check(ask).ShouldNotBeNull("the server asks for work");
        ulong counter = HandshakePuzzle.Solve(puzzle.Challenge, puzzle.Difficulty, CancellationToken.None);
        return gate.Check(ask with { Solution = new PuzzleSolution(puzzle.Window, counter) }) is null;
    }
}
