using System.Buffers.Binary;

namespace SecureChat.Engine.Protocol;

/// <summary>A puzzle answer carried by a ClientHello: the window the puzzle was issued in and the counter found.</summary>
internal readonly record struct PuzzleSolution(uint Window, ulong Counter)
{
    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, Window);
        BinaryPrimitives.WriteUInt64BigEndian(destination[4..], Counter);
    }

    public static PuzzleSolution Read(ReadOnlySpan<byte> source) =>
        new(BinaryPrimitives.ReadUInt32BigEndian(source), BinaryPrimitives.ReadUInt64BigEndian(source[4..]));
}
