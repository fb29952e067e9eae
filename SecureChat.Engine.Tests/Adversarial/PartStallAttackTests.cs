using Microsoft.Extensions.Time.Testing;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Tests.Support;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// Raw clients on 127.0.0.1 that spend the hub-wide bound on pending Parts (PROTOCOL.md 4.1.1) with the first Parts of
/// payloads they never complete, while an honest member sends a payload long enough to need Parts of its own: over the
/// bound, the honest link holding Parts is read no more, so without an end to the stall its record would never
/// arrive. The hub's clock is a <see cref="FakeTimeProvider"/>: the stall lasts exactly as long as the test says.
/// Every link's group records go to one recorder: the claim is about which records the hub reads, not what its
/// delivery service does with them.
/// </summary>
public sealed class PartStallAttackTests(ITestOutputHelper output)
{
    private static readonly GroupTarget s_lobby = GroupTarget.ForRoom("#lobby");
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_tick = TimeSpan.FromTicks(1);

    [Fact]
    public async Task Links_whose_parts_keep_the_hub_wide_bound_spent_for_its_timeout_are_closed_largest_first_and_an_honest_long_payload_then_arrives()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using LiveServer live = LiveServer.Start(new ChatOptions
        {
            Time = time,
            PendingParts = WireFormat.MlsPayloadMax,
            PendingPartsTimeout = s_timeout,
            HeartbeatInterval = TimeSpan.FromHours(1),
            IdleTimeout = TimeSpan.FromHours(2),
            WriteTimeout = TimeSpan.FromHours(1),
            PresenceDelay = TimeSpan.Zero,
            AckDelay = TimeSpan.Zero,
        });
        var owner = new GroupRecordRecorder();
        live.Server.GroupRecordsFor = _ => owner;
        await using RawClient larger = await RawClient.ConnectAsync(live.Port);
        await using RawClient smaller = await RawClient.ConnectAsync(live.Port);
        await using RawClient honest = await RawClient.ConnectAsync(live.Port);
        foreach (RawClient c in new[] { larger, smaller, honest })
        {
            (await c.HandshakeAsync()).ShouldBeTrue();
        }

        // 80 full Parts (1.25 MiB), then 60 (0.94 MiB) of payloads never completed: together past the 2 MiB bound.
        await larger.SendAsync(Parts(larger, 80));
        await Eventually.True(() => live.Server.PendingPartBytes == 80L * PartRecord.SizeMax, "the hub to hold the larger attacker's Parts");
        Task smallerSent = smaller.SendAsync(Parts(smaller, 60));
        await Eventually.True(() => live.Server.PendingPartBytes > WireFormat.MlsPayloadMax, "the attackers' Parts to pass the bound");
        long spent = live.Server.PendingPartBytes;

        // An honest member's 300,000-byte payload: its first read is held, then its link waits with the attackers'.
        byte[] mls = [.. Enumerable.Range(0, 300_000).Select(i => (byte)i)];
        byte[] record = honest.Produce(s => new GroupMessageRecord(s_lobby, mls).Write().ForEach(f => s.SealApplication(f.Type, f.Plaintext)));
        Task honestSent = honest.SendAsync(record);
        await Eventually.True(() => live.Server.PendingPartBytes > spent, "the hub to read the honest member's first Parts");

        time.Advance(s_timeout - s_tick);
        await Task.Delay(200); // what a close would set off has room to show
        live.Failures.ShouldBeEmpty("a link was closed before the bound had stayed spent for its timeout");
        owner.Received.ShouldBeEmpty("the honest record was read past the spent bound");

        time.Advance(s_tick);
        SessionFailure failure = await live.FailureFor(larger.LocalPort);
        await Eventually.True(() => owner.Received.Count == 1, "the honest member's record to arrive once the largest holder is closed");
        owner.Of<GroupMessageRecord>().Single().Mls.ShouldBe(mls);
        await larger.PumpUntilAsync(() => false);
        ClosedEvent closed = larger.Events.OfType<ClosedEvent>().ShouldHaveSingleItem();
        output.WriteLine($"held when spent: {spent:N0} bytes; the hub says of the larger attacker \"{failure.Message}\"; it got Close {(byte)closed.Code}");
        failure.Reason.ShouldBe(FailureReason.PartsStalled);
        failure.Message.ShouldContain("bytes of pending Parts were among the most");
        closed.Code.ShouldBe(AlertCode.ProtocolError);
        live.HasFailureFor(honest.LocalPort).ShouldBeFalse("the honest member was closed");
        live.HasFailureFor(smaller.LocalPort).ShouldBeFalse("closing the largest holder already brought the others within the bound");
        await honestSent.WaitAsync(s_timeout);
        await smallerSent.WaitAsync(s_timeout);
        await Eventually.True(() => live.Server.PendingPartBytes == 60L * PartRecord.SizeMax, "the smaller attacker's Parts to be all that is held");
    }

    /// <summary>The first <paramref name="count"/> full Parts of a payload that never gets its record.</summary>
    private static byte[] Parts(RawClient client, int count)
    {
        byte[] part = new byte[PartRecord.SizeMax];
        return client.Produce(s =>
        {
            for (int i = 0; i < count; i++)
            {
                s.SealApplication(FrameType.Part, part);
            }
        });
    }
}
