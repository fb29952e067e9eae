using System.Buffers.Binary;

namespace SecureChat.Engine.Protocol;

/// <summary>
/// ServerHello body, exactly 41 bytes: u16 version || u16 group || u32 iterations || u8 flags || nonce (32),
/// big-endian. The iteration count is the server's own setting; the flags echo the agreed passphrase use.
/// </summary>
internal sealed record ServerHello(ushort Version, ushort Group, uint Iterations, byte Flags, byte[] Nonce)
{
    public const int Size = 2 + 2 + 4 + 1 + WireFormat.NonceSize;

    public bool UsesPassphrase => (Flags & WireFormat.FlagPassphrase) != 0;

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, Version);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], Group);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], Iterations);
        destination[8] = Flags;
        Nonce.CopyTo(destination[9..]);
    }

    public static bool TryParse(ReadOnlySpan<byte> body, out ServerHello hello)
    {
        hello = null!;
        if (body.Length != Size || (body[8] & ~WireFormat.FlagsKnown) != 0)
        {
            return false;
        }

        hello = new ServerHello(
            BinaryPrimitives.ReadUInt16BigEndian(body),
            BinaryPrimitives.ReadUInt16BigEndian(body[2..]),
            BinaryPrimitives.ReadUInt32BigEndian(body[4..]),
            body[8],
            body[9..].ToArray());
        return true;
    }
}

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
