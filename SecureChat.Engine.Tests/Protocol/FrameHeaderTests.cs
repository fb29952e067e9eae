using System.Buffers;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Tests.Protocol;

public sealed class FrameHeaderTests
{
    [Theory]
    [InlineData(0u)]
    [InlineData(1u)]
    [InlineData((uint)WireFormat.FrameBodyMax)]
    public void A_header_within_the_limit_reads_back_its_type_and_length(uint length)
    {
        byte[] header = [0x10, (byte)(length >> 24), (byte)(length >> 16), (byte)(length >> 8), (byte)length];
        FrameHeader.TryRead(header, out byte type, out int bodyLength).ShouldBe(OperationStatus.Done);
        type.ShouldBe((byte)0x10);
        bodyLength.ShouldBe((int)length);
    }

    [Theory]
    [InlineData((uint)WireFormat.FrameBodyMax + 1)]
    [InlineData(0x7FFFFFFFu)]
    [InlineData(0x80000000u)]
    [InlineData(0xFFFFFFFFu)]
    public void A_header_declaring_more_than_the_maximum_is_invalid_and_allocates_nothing(uint length)
    {
        byte[] header = [0x10, (byte)(length >> 24), (byte)(length >> 16), (byte)(length >> 8), (byte)length];
        FrameHeader.TryRead(header, out _, out _); // warm up (JIT)
        long before = GC.GetAllocatedBytesForCurrentThread();
        OperationStatus status = FrameHeader.TryRead(header, out _, out int bodyLength);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        status.ShouldBe(OperationStatus.InvalidData);
        bodyLength.ShouldBe(0);
        allocated.ShouldBe(0);
    }

    [Fact]
    public void Fewer_than_five_bytes_need_more_data()
    {
        for (int n = 0; n < WireFormat.FrameHeaderSize; n++)
        {
            FrameHeader.TryRead(new byte[n], out _, out _).ShouldBe(OperationStatus.NeedMoreData);
        }
    }

    [Fact]
    public void Writing_a_header_is_type_then_big_endian_length()
    {
        byte[] header = new byte[5];
        FrameHeader.Write(header, FrameType.KeyShare, 0x01020304 & WireFormat.FrameBodyMax);
        header[0].ShouldBe((byte)FrameType.KeyShare);
        FrameHeader.Write(header, FrameType.GroupMessage, 300);
        header.ShouldBe(new byte[] { 0x26, 0, 0, 1, 44 });
        Should.Throw<ArgumentOutOfRangeException>(() => FrameHeader.Write(new byte[5], FrameType.GroupMessage, WireFormat.FrameBodyMax + 1));
    }
}
