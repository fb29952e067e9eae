using System.Buffers.Binary;

namespace SecureChat.Engine.Protocol;

/// <summary>
/// Ack (0x1B, hub to client): <c>u64 received</c>, how many of the client's records the hub has opened (as Close's
/// count), so the client knows which of its messages arrived and how long a heartbeat took to be answered. Immutable.
/// </summary>
internal readonly record struct AckRecord(ulong Received)
{
    public const int Size = 8;

    public int Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, Received);
        return Size;
    }

    public static bool TryParse(ReadOnlySpan<byte> plaintext, out AckRecord record)
    {
        record = default;
        if (plaintext.Length != Size)
        {
            return false;
        }

        record = new AckRecord(BinaryPrimitives.ReadUInt64BigEndian(plaintext));
        return true;
    }
}
