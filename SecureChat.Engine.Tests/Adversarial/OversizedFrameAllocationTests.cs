using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// A header claiming four gigabytes must not make the server allocate what it claims. The allocation is measured
/// process-wide (the server reads on pool threads), so the test runs alone: beside the parallel suite, other tests
/// allocate hundreds of megabytes in the same two seconds and the measure would say nothing about this session.
/// </summary>
[Collection(HeavyCollection.Name)]
public sealed class OversizedFrameAllocationTests
{
    [Fact]
    public async Task A_length_prefix_of_four_gigabytes_fails_the_session_without_allocating_it()
    {
        await using LiveServer live = LiveServer.Start();
        await using RawClient attacker = await RawClient.ConnectAsync(live.Port);
        long before = GC.GetTotalAllocatedBytes(precise: true);

        await attacker.SendAsync(new byte[] { (byte)FrameType.ClientHello, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x02 });

        (await live.FailureFor(attacker.LocalPort)).Reason.ShouldBe(FailureReason.FrameTooLarge);
        (GC.GetTotalAllocatedBytes(precise: true) - before).ShouldBeLessThan(64L << 20, "nothing of the claimed size may be allocated");
        (await attacker.ReadAlertAsync())!.Value.Code.ShouldBe(AlertCode.ProtocolError);
        await live.ShouldStillServeAnHonestClient();
    }
}
