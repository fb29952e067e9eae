using System.Buffers.Binary;

namespace SecureChat.Engine.Protocol;

/// <summary>
/// ClientHello body (PROTOCOL.md, "ClientHello"): u8 n, u16[n] versions || u8 m, u16[m] groups || u8 flags ||
/// nonce (32) || u8 solution length (0 or 12) || solution (u32 window || u64 counter). 1 ≤ n, m ≤ 16; unknown
/// code points are allowed in the lists and ignored by the server; unknown flag bits are not.
/// </summary>
internal sealed record ClientHello(ushort[] Versions, ushort[] Groups, byte Flags, byte[] Nonce, PuzzleSolution? Solution)
{
    public bool UsesPassphrase => (Flags & WireFormat.FlagPassphrase) != 0;

    /// <summary>The client's Commit for <c>Groups[0]</c> follows at once (PROTOCOL.md 3.5, "Early Commit").</summary>
    public bool CommitFollows => (Flags & WireFormat.FlagEarlyCommit) != 0;

    public int Size => 1 + 2 * Versions.Length + 1 + 2 * Groups.Length + 1 + WireFormat.NonceSize + 1 +
        (Solution is null ? 0 : WireFormat.PuzzleSolutionSize);

    public int Write(Span<byte> destination)
    {
        if (Nonce.Length != WireFormat.NonceSize)
        {
            throw new ArgumentException("the nonce is 32 bytes");
        }

        int offset = 0;
        offset += WriteList(destination, Versions);
        offset += WriteList(destination[offset..], Groups);
        destination[offset++] = Flags;
        Nonce.CopyTo(destination[offset..]);
        offset += WireFormat.NonceSize;
        if (Solution is { } solution)
        {
            destination[offset++] = WireFormat.PuzzleSolutionSize;
            solution.Write(destination[offset..]);
            offset += WireFormat.PuzzleSolutionSize;
        }
        else
        {
            destination[offset++] = 0;
        }

        return offset;
    }

    public static bool TryParse(ReadOnlySpan<byte> body, out ClientHello hello)
    {
        hello = null!;
        if (!TryReadList(ref body, out ushort[] versions) || !TryReadList(ref body, out ushort[] groups) ||
            body.Length < 1 + WireFormat.NonceSize + 1)
        {
            return false;
        }

        byte flags = body[0];
        if ((flags & ~WireFormat.FlagsKnown) != 0)
        {
            return false;
        }

        byte[] nonce = body.Slice(1, WireFormat.NonceSize).ToArray();
        body = body[(1 + WireFormat.NonceSize)..];
        int solutionLength = body[0];
        body = body[1..];
        PuzzleSolution? solution = null;
        if (solutionLength == WireFormat.PuzzleSolutionSize && body.Length == solutionLength)
        {
            solution = PuzzleSolution.Read(body);
        }
        else if (solutionLength != 0 || !body.IsEmpty)
        {
            return false;
        }

        hello = new ClientHello(versions, groups, flags, nonce, solution);
        return true;
    }

    private static int WriteList(Span<byte> destination, ushort[] values)
    {
        if (values.Length is 0 or > WireFormat.OfferListMax)
        {
            throw new ArgumentException("an offer lists 1 to 16 values");
        }

        destination[0] = (byte)values.Length;
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination[(1 + 2 * i)..], values[i]);
        }

        return 1 + 2 * values.Length;
    }

    private static bool TryReadList(ref ReadOnlySpan<byte> body, out ushort[] values)
    {
        values = [];
        if (body.Length < 1)
        {
            return false;
        }

        int count = body[0];
        if (count is 0 or > WireFormat.OfferListMax || body.Length < 1 + 2 * count)
        {
            return false;
        }

        values = new ushort[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = BinaryPrimitives.ReadUInt16BigEndian(body[(1 + 2 * i)..]);
        }

        body = body[(1 + 2 * count)..];
        return true;
    }
}
