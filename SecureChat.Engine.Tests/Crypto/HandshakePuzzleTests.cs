using System.Buffers.Binary;
using System.Security.Cryptography;
using SecureChat.Engine.Crypto;

namespace SecureChat.Engine.Tests.Crypto;

/// <summary>The stateless puzzle a loaded server asks for (Crypto/HandshakePuzzle.cs): binding, solving, verifying.</summary>
public sealed class HandshakePuzzleTests
{
    private static readonly byte[] s_secret = [.. Enumerable.Repeat((byte)0x5C, 32)];
    private static readonly byte[] s_address = [127, 0, 0, 1];
    private static readonly byte[] s_nonce = [.. Enumerable.Repeat((byte)0xAB, 32)];

    [Fact]
    public void The_challenge_is_the_documented_hmac_over_label_window_address_and_nonce()
    {
        byte[] expected = HMACSHA256.HashData(s_secret, (byte[])[.. "SecureChat v2 puzzle"u8, 0x00, 0x00, 0x30, 0x39, 4, .. s_address, .. s_nonce]);
        HandshakePuzzle.Challenge(s_secret, 12345, s_address, s_nonce).ShouldBe(expected);
    }

    [Fact]
    public void The_challenge_binds_the_server_secret_the_window_the_address_and_the_hello_nonce()
    {
        byte[] challenge = HandshakePuzzle.Challenge(s_secret, 7, s_address, s_nonce);
        challenge.Length.ShouldBe(HandshakePuzzle.ChallengeSize);
        HandshakePuzzle.Challenge(s_secret, 7, s_address, s_nonce).ShouldBe(challenge, "stateless: the server recomputes it");
        HandshakePuzzle.Challenge([.. s_secret[..^1], 0], 7, s_address, s_nonce).ShouldNotBe(challenge, "secret");
        HandshakePuzzle.Challenge(s_secret, 8, s_address, s_nonce).ShouldNotBe(challenge, "window");
        HandshakePuzzle.Challenge(s_secret, 7, [127, 0, 0, 2], s_nonce).ShouldNotBe(challenge, "address");
        HandshakePuzzle.Challenge(s_secret, 7, [.. new byte[15], 1], s_nonce).ShouldNotBe(challenge, "an IPv6 address");
        HandshakePuzzle.Challenge(s_secret, 7, s_address, [.. s_nonce[..^1], 0]).ShouldNotBe(challenge, "nonce");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(12)]
    public void Solve_finds_a_counter_that_verifies_and_no_smaller_counter_does(int difficulty)
    {
        byte[] challenge = HandshakePuzzle.Challenge(s_secret, 1, s_address, s_nonce);
        ulong counter = HandshakePuzzle.Solve(challenge, difficulty, CancellationToken.None);
        HandshakePuzzle.IsSolution(challenge, counter, difficulty).ShouldBeTrue();
        LeadingZeroBits(challenge, counter).ShouldBeGreaterThanOrEqualTo(difficulty, "checked with SHA-256 directly");
        for (ulong smaller = 0; smaller < counter; smaller++)
        {
            HandshakePuzzle.IsSolution(challenge, smaller, difficulty).ShouldBeFalse($"counter {smaller}: Solve searches from 0");
        }
    }

    [Fact]
    public void Is_solution_rejects_wrong_counters_and_answers_to_another_challenge()
    {
        const int difficulty = 12;
        byte[] challenge = HandshakePuzzle.Challenge(s_secret, 1, s_address, s_nonce);
        ulong counter = HandshakePuzzle.Solve(challenge, difficulty, CancellationToken.None);
        int wrong = Enumerable.Range(1, 64).Count(d => !HandshakePuzzle.IsSolution(challenge, counter + (ulong)d, difficulty));
        wrong.ShouldBeGreaterThan(60, "about one counter in 4,096 solves a 12-bit puzzle");
        HandshakePuzzle.IsSolution(challenge, counter, LeadingZeroBits(challenge, counter) + 1).ShouldBeFalse("a harder puzzle");

        int reused = Enumerable.Range(2, 32).Count(window =>
            HandshakePuzzle.IsSolution(HandshakePuzzle.Challenge(s_secret, (uint)window, s_address, s_nonce), counter, difficulty));
        reused.ShouldBeLessThan(3, "an answer is bound to its challenge: it does not carry over to another window");
    }

    [Fact]
    public void Solving_can_be_cancelled()
    {
        byte[] challenge = HandshakePuzzle.Challenge(s_secret, 1, s_address, s_nonce);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Should.Throw<OperationCanceledException>(() => HandshakePuzzle.Solve(challenge, 64, cancelled.Token));
    }

    private static int LeadingZeroBits(byte[] challenge, ulong counter)
    {
        byte[] input = new byte[40];
        challenge.CopyTo(input, 0);
        BinaryPrimitives.WriteUInt64BigEndian(input.AsSpan(32), counter);
        byte[] hash = SHA256.HashData(input);
        int bits = 0;
        foreach (byte b in hash)
        {
            if (b != 0)
            {
                return bits + System.Numerics.BitOperations.LeadingZeroCount((uint)b) - 24;
            }

            bits += 8;
        }

        return bits;
    }
}
