using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace SecureChat.Engine.Crypto;

/// <summary>
/// The stateless proof of work a loaded server asks for (PROTOCOL.md, "Puzzle"), hashcash-style as in Tor's
/// onion-service proof of work and bound like wireguard-go's cookie: challenge = HMAC-SHA256(server secret,
/// "SecureChat v2 puzzle" || u32 window || u8 address length || client address || ClientHello nonce). The client
/// finds a counter with SHA-256(challenge || u64 counter) starting with <c>difficulty</c> zero bits: 2^difficulty
/// hashes on average to solve, one to verify, and the server keeps nothing per connection until an answer is valid.
/// Stateless and thread-safe.
/// </summary>
internal static class HandshakePuzzle
{
    public const int ChallengeSize = 32;

    private static readonly byte[] s_label = Encoding.ASCII.GetBytes("SecureChat v2 puzzle");

    public static byte[] Challenge(ReadOnlySpan<byte> serverSecret, uint window, ReadOnlySpan<byte> address, ReadOnlySpan<byte> helloNonce)
    {
        byte[] input = new byte[s_label.Length + 4 + 1 + address.Length + helloNonce.Length];
        s_label.CopyTo(input, 0);
        int offset = s_label.Length;
        BinaryPrimitives.WriteUInt32BigEndian(input.AsSpan(offset), window);
        offset += 4;
        input[offset++] = (byte)address.Length;
        address.CopyTo(input.AsSpan(offset));
        helloNonce.CopyTo(input.AsSpan(offset + address.Length));
        return HMACSHA256.HashData(serverSecret, input);
    }

    /// <summary>True when SHA-256(challenge || u64 counter) starts with at least <paramref name="difficulty"/> zero bits.</summary>
    public static bool IsSolution(ReadOnlySpan<byte> challenge, ulong counter, int difficulty)
    {
        Span<byte> input = stackalloc byte[ChallengeSize + 8];
        Span<byte> hash = stackalloc byte[32];
        challenge.CopyTo(input);
        BinaryPrimitives.WriteUInt64BigEndian(input[ChallengeSize..], counter);
        SHA256.HashData(input, hash);
        return LeadingZeroBits(hash) >= difficulty;
    }

    /// <summary>Searches counters from 0 until one solves the challenge; checks for cancellation every 4,096 tries.</summary>
    public static ulong Solve(ReadOnlySpan<byte> challenge, int difficulty, CancellationToken cancellationToken)
    {
        Span<byte> input = stackalloc byte[ChallengeSize + 8];
        Span<byte> hash = stackalloc byte[32];
        challenge.CopyTo(input);
        for (ulong counter = 0; ; counter++)
        {
            if ((counter & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            BinaryPrimitives.WriteUInt64BigEndian(input[ChallengeSize..], counter);
            SHA256.HashData(input, hash);
            if (LeadingZeroBits(hash) >= difficulty)
            {
                return counter;
            }
        }
    }

    private static int LeadingZeroBits(ReadOnlySpan<byte> hash)
    {
        int bits = 0;
        foreach (byte b in hash)
        {
            if (b != 0)
            {
                return bits + BitOperations.LeadingZeroCount((uint)b) - 24;
            }

            bits += 8;
        }

        return bits;
    }
}
