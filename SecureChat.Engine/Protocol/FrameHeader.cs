using System.Buffers;
using System.Buffers.Binary;

namespace SecureChat.Engine.Protocol;

/// <summary>
/// Parses and writes the 5-byte frame header. Pure functions over spans; never throw for peer bytes.
/// </summary>
internal static class FrameHeader
{
    /// <summary>
    /// Reads a header from the start of <paramref name="buffer"/>. NeedMoreData when fewer than 5 bytes are
    /// there; InvalidData when the declared length exceeds <see cref="WireFormat.FrameBodyMax"/> (checked before
    /// the caller allocates or waits for the body).
    /// </summary>
    public static OperationStatus TryRead(ReadOnlySpan<byte> buffer, out byte type, out int bodyLength)
    {
        type = 0;
        bodyLength = 0;
        if (buffer.Length < WireFormat.FrameHeaderSize)
        {
            return OperationStatus.NeedMoreData;
        }

        type = buffer[WireFormat.FrameTypeOffset];
        uint declared = BinaryPrimitives.ReadUInt32BigEndian(buffer[WireFormat.FrameLengthOffset..]);
        if (declared > WireFormat.FrameBodyMax)
        {
            return OperationStatus.InvalidData;
        }

        bodyLength = (int)declared;
        return OperationStatus.Done;
    }

    public static void Write(Span<byte> destination, FrameType type, int bodyLength)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bodyLength, WireFormat.FrameBodyMax);
        destination[WireFormat.FrameTypeOffset] = (byte)type;
        BinaryPrimitives.WriteUInt32BigEndian(destination[WireFormat.FrameLengthOffset..], (uint)bodyLength);
    }
}
