using System.Buffers.Binary;

namespace SecureChat.Engine.Protocol;

/// <summary>
/// Puzzle body (server to client, instead of a ServerHello, then the server closes), exactly 37 bytes:
/// u8 difficulty || u32 window || challenge (32). The client reconnects with the same ClientHello nonce and a
/// counter such that SHA-256(challenge || u64 counter) starts with <c>difficulty</c> zero bits.
/// </summary>
internal readonly record struct PuzzleMessage(byte Difficulty, uint Window, byte[] Challenge)
{
    public const int Size = 1 + 4 + 32;

    public void Write(Span<byte> destination)
    {
        destination[0] = Difficulty;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], Window);
        Challenge.CopyTo(destination[5..]);
    }

    public static bool TryParse(ReadOnlySpan<byte> body, out PuzzleMessage puzzle)
    {
        puzzle = default;
        if (body.Length != Size)
        {
            return false;
        }

        puzzle = new PuzzleMessage(body[0], BinaryPrimitives.ReadUInt32BigEndian(body[1..]), body[5..].ToArray());
        return true;
    }
}
