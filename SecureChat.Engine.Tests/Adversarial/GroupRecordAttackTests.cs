using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Tests.Support;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// Attacks with the v4 group records and their Parts on a live hub whose links hand group records to an owner
/// (PROTOCOL.md 4.1, 4.1.1): an empty Part, Parts past <see cref="WireFormat.MlsPayloadMax"/>, an assembled record past
/// it, and garbage in each record a client sends are each Close 8 (protocol error) for the attacker's link only, with
/// nothing handed on, while another member's group records keep arriving; Parts followed by a Close are discarded with
/// the link; links holding Parts past the hub-wide bound are read no more while a link holding none is still served.
/// </summary>
public sealed class GroupRecordAttackTests(ITestOutputHelper output)
{
    private static readonly GroupTarget s_lobby = GroupTarget.ForRoom("#lobby");
    private static readonly byte[] s_fullPart = new byte[PartRecord.SizeMax];

    public static TheoryData<string, int> Attacks => new()
    {
        { "an empty Part", 0 },
        { "Parts one byte past MlsPayloadMax", 1 },
        { "an assembled GroupMessage one byte past MlsPayloadMax", 2 },
        { "KeyPackages with an unknown flag", 3 },
        { "KeyPackages whose entry runs past the end", 4 },
        { "a GroupCommit with no commit entry", 5 },
        { "a GroupCommit with an empty commit entry", 6 },
        { "a GroupMessage with an empty payload", 7 },
        { "a GroupMessage with a target of n = 1", 8 },
        { "a GroupMessage whose digest target is short", 9 },
    };

    private static IEnumerable<(FrameType Type, byte[] Plaintext)> Attack(int which)
    {
        IEnumerable<(FrameType, byte[])> atLimit = Enumerable.Repeat((FrameType.Part, s_fullPart), WireFormat.MlsPayloadMax / PartRecord.SizeMax);
        return which switch
        {
            0 => [(FrameType.Part, [])],
            1 => [.. atLimit, (FrameType.Part, [1])],
            2 => [.. atLimit, (FrameType.GroupMessage, [6, .. "#lobby"u8, 1])],
            3 => [(FrameType.KeyPackages, [0x80, 0, 0, 0, 1, 7])],
            4 => [(FrameType.KeyPackages, [1, 0, 0, 0, 9, 7])],
            5 => [(FrameType.GroupCommit, [6, .. "#lobby"u8])],
            6 => [(FrameType.GroupCommit, [6, .. "#lobby"u8, 0, 0, 0, 0])],
            7 => [(FrameType.GroupMessage, [6, .. "#lobby"u8])],
            8 => [(FrameType.GroupMessage, [1, (byte)'#', 7])],
            _ => [(FrameType.GroupMessage, [0, .. new byte[20]])],
        };
    }

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task A_bad_part_or_group_record_is_close_8_for_the_attacker_only_and_other_links_keep_working(string what, int which)
    {
        await using LiveServer live = LiveServer.Start();
        var owner = new GroupRecordRecorder();
        await using RawClient honest = await RawClient.ConnectAsync(live.Port);
        live.HandGroupRecordsOf(honest.LocalPort, owner);
        (await honest.HandshakeAsync()).ShouldBeTrue();
        await using RawClient attacker = await RawClient.ConnectAsync(live.Port);
        live.HandGroupRecordsOf(attacker.LocalPort, owner);
        (await attacker.HandshakeAsync()).ShouldBeTrue();

        // The honest member has a Part pending on its own link while the attack runs: it is not touched.
        List<(FrameType Type, byte[] Plaintext)> honestFrames = new GroupMessageRecord(s_lobby, [.. Enumerable.Range(0, 20_000).Select(i => (byte)i)]).Write();
        honestFrames.Count.ShouldBe(2);
        await honest.SendAsync(honest.Produce(s => s.SealApplication(honestFrames[0].Type, honestFrames[0].Plaintext)));

        foreach ((FrameType type, byte[] plaintext) in Attack(which))
        {
            await attacker.SendAsync(attacker.Produce(s => s.SealControl(type, plaintext)));
        }

        SessionFailure failure = await live.FailureFor(attacker.LocalPort);
        await attacker.PumpUntilAsync(() => false);
        ClosedEvent closed = attacker.Events.OfType<ClosedEvent>().ShouldHaveSingleItem(what);
        output.WriteLine($"{what}: the hub says \"{failure.Message}\"; the attacker got Close {(byte)closed.Code}");
        failure.Reason.ShouldBe(FailureReason.ProtocolViolation, what);
        closed.Code.ShouldBe(AlertCode.ProtocolError, what);
        owner.Received.ShouldBeEmpty(what);

        await honest.SendAsync(honest.Produce(s => s.SealApplication(honestFrames[1].Type, honestFrames[1].Plaintext)));
        await Eventually.True(() => owner.Received.Count == 1, "the honest member's GroupMessage to reach the hub's owner");
        owner.Of<GroupMessageRecord>().Single().Mls.Length.ShouldBe(20_000);
        live.HasFailureFor(honest.LocalPort).ShouldBeFalse();
        await live.ShouldStillServeAnHonestClient();
    }

    [Fact]
    public async Task Parts_then_a_close_are_discarded_with_the_link()
    {
        await using LiveServer live = LiveServer.Start();
        var owner = new GroupRecordRecorder();
        await using RawClient client = await RawClient.ConnectAsync(live.Port);
        live.HandGroupRecordsOf(client.LocalPort, owner);
        (await client.HandshakeAsync()).ShouldBeTrue();

        for (int i = 0; i < 10; i++)
        {
            await client.SendAsync(client.Produce(s => s.SealApplication(FrameType.Part, s_fullPart)));
        }

        await Eventually.True(() => live.Server.PendingPartBytes == 10 * PartRecord.SizeMax, "the hub to hold the ten Parts");
        output.WriteLine($"held before the Close: {live.Server.PendingPartBytes:N0} bytes");
        await client.CloseAsync();
        await Eventually.True(() => live.Closes.Any(c => LiveServer.PortOf(c.Peer) == client.LocalPort), "the hub to see the Close");
        await Eventually.True(() => live.Server.PendingPartBytes == 0, "the Parts to be discarded with the link");
        output.WriteLine($"held after the Close: {live.Server.PendingPartBytes:N0} bytes");
        owner.Received.ShouldBeEmpty();
        live.HasFailureFor(client.LocalPort).ShouldBeFalse("a Close after Parts is no violation");
    }

    [Fact]
    public async Task Links_holding_parts_past_the_hub_wide_bound_are_read_no_more_while_a_link_holding_none_is_served()
    {
        await using LiveServer live = LiveServer.Start(new ChatOptions { PendingParts = WireFormat.MlsPayloadMax, PendingPartsTimeout = TimeSpan.FromHours(1) }); // the stall's end is PartStallAttackTests'
        var owner = new GroupRecordRecorder();
        await using RawClient first = await RawClient.ConnectAsync(live.Port);
        await using RawClient second = await RawClient.ConnectAsync(live.Port);
        await using RawClient honest = await RawClient.ConnectAsync(live.Port);
        foreach (RawClient c in new[] { first, second, honest })
        {
            live.HandGroupRecordsOf(c.LocalPort, owner);
            (await c.HandshakeAsync()).ShouldBeTrue();
        }

        // Each sends 80 full Parts (1.25 MiB) of a payload: together past the 2 MiB bound.
        const int parts = 80;
        byte[] mls = new byte[(parts * PartRecord.SizeMax) + 100];
        List<(FrameType Type, byte[] Plaintext)> frames = new GroupMessageRecord(s_lobby, mls).Write();
        frames.Count.ShouldBe(parts + 1);
        foreach (RawClient c in new[] { first, second })
        {
            foreach ((FrameType type, byte[] plaintext) in frames[..^1])
            {
                await c.SendAsync(c.Produce(s => s.SealApplication(type, plaintext)));
            }
        }

        await Eventually.True(() => live.Server.PendingPartBytes > WireFormat.MlsPayloadMax, "the hub's pending Parts to pass the bound");

        // Over the bound, the two links' completing records wait unread; the link holding no Part is read and served.
        foreach (RawClient c in new[] { first, second })
        {
            await c.SendAsync(c.Produce(s => s.SealApplication(frames[^1].Type, frames[^1].Plaintext)));
        }

        await honest.SendAsync(honest.Produce(s => new GroupMessageRecord(s_lobby, [1, 2, 3]).Write().ForEach(f => s.SealApplication(f.Type, f.Plaintext))));
        await Eventually.True(() => owner.Received.Count >= 1, "the honest member's GroupMessage to reach the hub's owner");
        long held = live.Server.PendingPartBytes;
        output.WriteLine($"Parts sent: {2L * parts * PartRecord.SizeMax:N0} bytes; held by the hub once the honest record was handled: {held:N0} bytes (bound {WireFormat.MlsPayloadMax:N0}); records handed on: {owner.Received.Count}");
        owner.Received.Select(r => ((GroupMessageRecord)r.Record).Mls.Length).ShouldBe([3], "only the link holding no Part was read");
        held.ShouldBeLessThan(2L * parts * PartRecord.SizeMax, "the Parts past the bound were left unread");
        held.ShouldBeLessThanOrEqualTo(WireFormat.MlsPayloadMax + (2L * 65_536), "the bound is passed by at most one read per link");
    }
}
