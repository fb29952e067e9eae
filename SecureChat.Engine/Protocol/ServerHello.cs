using System.Buffers.Binary;

namespace SecureChat.Engine.Protocol;

/// <summary>ServerHello body, exactly 8 bytes: u16 version || u16 group || u32 iterations (big-endian).</summary>
internal readonly record struct ServerHello(ushort Version, ushort Group, uint Iterations)
{
    public const int Size = 8;

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, Version);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], Group);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], Iterations);
    }

    public static bool TryParse(ReadOnlySpan<byte> body, out ServerHello hello)
    {
        hello = default;
        if (body.Length != Size)
        {
            return false;
        }

        hello = new ServerHello(
            BinaryPrimitives.ReadUInt16BigEndian(body),
            BinaryPrimitives.ReadUInt16BigEndian(body[2..]),
            BinaryPrimitives.ReadUInt32BigEndian(body[4..]));
        return true;
    }
}
