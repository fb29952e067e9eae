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
