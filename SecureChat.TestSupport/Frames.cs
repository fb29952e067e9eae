using System.Buffers;
using SecureChat.Engine.Protocol;

namespace SecureChat.TestSupport;

/// <summary>Builds and splits frames (5-byte header: type || u32 big-endian length) for tests that tamper with the wire.</summary>
internal static class Frames
{
    public static byte[] Build(FrameType type, ReadOnlySpan<byte> body) => Build((byte)type, body);

    public static byte[] Build(byte type, ReadOnlySpan<byte> body)
    {
        byte[] frame = new byte[WireFormat.FrameHeaderSize + body.Length];
        FrameHeader.Write(frame, (FrameType)type, body.Length);
        body.CopyTo(frame.AsSpan(WireFormat.FrameHeaderSize));
        return frame;
    }

    /// <summary>Splits a byte stream into whole frames; fails the test on a partial or oversized one.</summary>
    public static List<byte[]> Split(ReadOnlySpan<byte> stream)
    {
        var frames = new List<byte[]>();
        while (!stream.IsEmpty)
        {
            FrameHeader.TryRead(stream, out _, out int length).ShouldBe(OperationStatus.Done);
            int total = WireFormat.FrameHeaderSize + length;
            stream.Length.ShouldBeGreaterThanOrEqualTo(total);
            frames.Add(stream[..total].ToArray());
            stream = stream[total..];
        }

        return frames;
    }

    public static FrameType TypeOf(byte[] frame) => (FrameType)frame[0];

    public static byte[] BodyOf(byte[] frame) => frame[WireFormat.FrameHeaderSize..];

    /// <summary>True when <paramref name="stream"/> holds at least one whole frame with a length within the limit.</summary>
    public static bool TryWholeFrames(ReadOnlySpan<byte> stream) =>
        FrameHeader.TryRead(stream, out _, out int length) == OperationStatus.Done && stream.Length >= WireFormat.FrameHeaderSize + length;
}
