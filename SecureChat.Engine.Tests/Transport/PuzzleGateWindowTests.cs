using System.Net;
using System.Security.Cryptography;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Transport;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Transport;

/// <summary>
/// The used-answer sets rotate with the puzzle window (PROTOCOL.md 3.3): an answer stays refused as a replay for as
/// long as its window can be answered at all, across the rotation, and an answer solved in the previous window is
/// still accepted once.
/// </summary>
public sealed class PuzzleGateWindowTests
{
    private static readonly IPAddress s_client = IPAddress.Parse("192.0.2.10");

    [Fact]
    public void A_used_answer_stays_refused_across_the_rotation_and_an_answer_of_the_previous_window_is_accepted_once()
    {
        var clock = new WallClock(new DateTimeOffset(2026, 12, 7, 4, 0, 10, TimeSpan.Zero));
        var gate = new PuzzleGate(new ChatOptions { Puzzle = PuzzleMode.Always, PuzzleBits = 1, Time = clock }, () => false);
        AnswerCheck check = hello => gate.For(s_client).Check(hello) is null;

        ClientHello first = Solved(gate);
        ClientHello second = Solved(gate); // solved now, used only in the next window
        check(first).ShouldBeTrue("a fresh answer");
        check(first).ShouldBeFalse("its replay in the same window");

        clock.Advance(TimeSpan.FromMinutes(1));
        check(first).ShouldBeFalse("its replay in the next window");
        check(second).ShouldBeTrue("an answer of the previous window, first used now");
        check(second).ShouldBeFalse("its replay");

        clock.Advance(TimeSpan.FromMinutes(1));
        check(first).ShouldBeFalse("two windows on, too old");
        check(Solved(gate)).ShouldBeTrue("a fresh answer in the new window");
    }

    private delegate bool AnswerCheck(ClientHello hello);

    private static ClientHello Solved(PuzzleGate gate)
    {
        ClientHello ask = new([WireFormat.Version], [(ushort)DhGroupId.Ffdhe2048], 0, RandomNumberGenerator.GetBytes(WireFormat.NonceSize), null);
        PuzzleMessage puzzle = gate.For(s_client).Check(ask).ShouldNotBeNull();
        ulong counter = HandshakePuzzle.Solve(puzzle.Challenge, puzzle.Difficulty, CancellationToken.None);
        return ask with { Solution = new PuzzleSolution(puzzle.Window, counter) };
    }
}
