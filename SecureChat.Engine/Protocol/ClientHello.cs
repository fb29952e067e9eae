using System.Buffers.Binary;

namespace SecureChat.Engine.Protocol;

/// <summary>
/// ClientHello body: u8 n, u16[n] versions || u8 m, u16[m] groups || u32 iterations (big-endian).
/// 1 ≤ n, m ≤ 16; unknown code points are allowed in the lists and ignored by the server.
/// </summary>
internal sealed record ClientHello(ushort[] Versions, ushort[] Groups, uint Iterations)
{
    public int Size => 1 + 2 * Versions.Length + 1 + 2 * Groups.Length + 4;

    public int Write(Span<byte> destination)
    {
        int offset = 0;
        offset += WriteList(destination, Versions);
        offset += WriteList(destination[offset..], Groups);
        BinaryPrimitives.WriteUInt32BigEndian(destination[offset..], Iterations);
        return offset + 4;
    }

    public static bool TryParse(ReadOnlySpan<byte> body, out ClientHello hello)
    {
        hello = null!;
        if (!TryReadList(ref body, out ushort[] versions) || !TryReadList(ref body, out ushort[] groups) || body.Length != 4)
        {
            return false;
        }

        hello = new ClientHello(versions, groups, BinaryPrimitives.ReadUInt32BigEndian(body));
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
