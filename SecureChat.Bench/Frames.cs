using System.Buffers;
using System.Buffers.Binary;
using SecureChat.Engine.Protocol;

namespace SecureChat.Bench;

/// <summary>
/// The engine's 5-byte framing (type u8, body length u32 big-endian) for the plaintext and TLS baselines:
/// writing, and a read loop that gathers whole frames from a stream. Stateless helpers; the read loop is
/// single-reader.
/// </summary>
internal static class Frames
{
    public const byte MessageType = 0x20;

    /// <summary>The frame header's size: type and body length.</summary>
    public const int HeaderSize = WireFormat.FrameHeaderSize;

    public static void Write(IBufferWriter<byte> destination, byte type, ReadOnlySpan<byte> body)
    {
        Span<byte> span = destination.GetSpan(WireFormat.FrameHeaderSize + body.Length);
        span[WireFormat.FrameTypeOffset] = type;
        BinaryPrimitives.WriteUInt32BigEndian(span[WireFormat.FrameLengthOffset..], (uint)body.Length);
        body.CopyTo(span[WireFormat.FrameHeaderSize..]);
        destination.Advance(WireFormat.FrameHeaderSize + body.Length);
    }

    public static byte[] Build(byte type, ReadOnlySpan<byte> body)
    {
        var writer = new ArrayBufferWriter<byte>(WireFormat.FrameHeaderSize + body.Length);
        Write(writer, type, body);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Reads until the stream ends, calling <paramref name="onFrame"/> with each whole frame's body (valid only
    /// during the call). Parses with the engine's <see cref="FrameHeader"/>, as SecureChat's receive path does.
    /// </summary>
    public static async Task ReadLoopAsync(Stream stream, Action<ReadOnlyMemory<byte>> onFrame, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[64 * 1024 + WireFormat.FrameBodyMax + WireFormat.FrameHeaderSize];
        int count = 0;
        try
        {
            while (true)
            {
                int read = await stream.ReadAsync(buffer.AsMemory(count, 64 * 1024), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return;
                }

                count += read;
                int consumed = 0;
                while (true)
                {
                    OperationStatus status = FrameHeader.TryRead(buffer.AsSpan(consumed, count - consumed), out _, out int bodyLength);
                    if (status == OperationStatus.InvalidData)
                    {
                        throw new InvalidDataException("frame too large");
                    }

                    if (status != OperationStatus.Done || count - consumed < WireFormat.FrameHeaderSize + bodyLength)
                    {
                        break;
                    }

                    onFrame(buffer.AsMemory(consumed + WireFormat.FrameHeaderSize, bodyLength));
                    consumed += WireFormat.FrameHeaderSize + bodyLength;
                }

                buffer.AsSpan(consumed, count - consumed).CopyTo(buffer);
                count -= consumed;
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
        }
    }

    /// <summary>Reads exactly one frame into <paramref name="buffer"/> (header included); returns the body length.</summary>
    public static async ValueTask<int> ReadOneAsync(Stream stream, byte[] buffer, CancellationToken cancellationToken)
    {
        await stream.ReadExactlyAsync(buffer.AsMemory(0, WireFormat.FrameHeaderSize), cancellationToken).ConfigureAwait(false);
        if (FrameHeader.TryRead(buffer, out _, out int bodyLength) != OperationStatus.Done)
        {
            throw new InvalidDataException("bad frame header");
        }

        await stream.ReadExactlyAsync(buffer.AsMemory(WireFormat.FrameHeaderSize, bodyLength), cancellationToken).ConfigureAwait(false);
        return bodyLength;
    }
}
