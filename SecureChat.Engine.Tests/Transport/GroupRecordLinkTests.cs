using SecureChat.Engine.Protocol;
using SecureChat.Engine.Tests.Support;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Transport;

/// <summary>
/// The v4 group records over a real loopback link (PROTOCOL.md 4.1, 4.1.1): what a client's link sends
/// (<see cref="Link.SendGroupAsync"/>) reaches the hub link's <see cref="Link.HubRecords"/>, and what the hub's link
/// sends (<see cref="Link.TrySendGroup"/>) reaches the client link's <see cref="Link.MemberRecords"/>, parsed, in order,
/// with a 300 KB Welcome cut into Parts and assembled whole on the other side.
/// </summary>
public sealed class GroupRecordLinkTests(ITestOutputHelper output)
{
    private static readonly byte[] s_alice = [.. Enumerable.Repeat((byte)0xA1, WireFormat.IdentityDigestSize)];
    private static readonly byte[] s_bob = [.. Enumerable.Repeat((byte)0xB0, WireFormat.IdentityDigestSize)];
    private static readonly byte[] s_groupId = [.. Enumerable.Range(1, WireFormat.GroupIdSize).Select(i => (byte)i)];
    private static readonly GroupTarget s_lobby = GroupTarget.ForRoom("#lobby");

    private static byte[] Payload(int length, byte seed) => [.. Enumerable.Range(0, length).Select(i => (byte)(seed + i * 7))];

    [Fact]
    public async Task Every_group_record_round_trips_over_a_loopback_link_with_a_300_kilobyte_welcome_in_parts()
    {
        await using LinkPair pair = await LinkPair.EstablishedAsync(new ChatOptions(), new ChatOptions());
        var hub = new GroupRecordRecorder();
        var member = new GroupRecordRecorder();
        pair.Server.HubRecords = hub;
        pair.Client.MemberRecords = member;
        byte[] welcome = Payload(300_000, 1);
        ulong sentBefore = pair.Client.RecordsSent;

        (await pair.Client.SendGroupAsync(g => g.SendKeyPackages([Payload(500, 2)], lastResort: true), CancellationToken.None)).ShouldBeTrue();
        (await pair.Client.SendGroupAsync(g => g.SendGroupCommit(s_lobby, Payload(2_000, 3), welcome), CancellationToken.None)).ShouldBeTrue();
        (await pair.Client.SendGroupAsync(g => g.SendGroupMessage(GroupTarget.ForPerson(s_bob), Payload(90, 4)), CancellationToken.None)).ShouldBeTrue();
        await Eventually.True(() => hub.Received.Count == 3, "the hub's owner to get the three client records");
        output.WriteLine($"client -> hub: {pair.Client.RecordsSent - sentBefore} records for 3 group records (a {welcome.Length:N0}-byte Welcome in Parts)");

        hub.Received.Select(r => r.Type).ShouldBe([FrameType.KeyPackages, FrameType.GroupCommit, FrameType.GroupMessage]);
        hub.Of<KeyPackagesRecord>().Single().KeyPackages.Single().ShouldBe(Payload(500, 2));
        hub.Of<GroupCommitRecord>().Single().Welcome.ShouldBe(welcome);
        hub.Of<GroupMessageRecord>().Single().Mls.ShouldBe(Payload(90, 4));

        ulong hubSentBefore = pair.Server.RecordsSent;
        pair.Server.TrySendGroup(g => g.SendGroupTask(s_lobby, s_groupId, 4, [], [new GroupTaskJoiner(s_bob, "bob", Payload(700, 5))])).ShouldBeTrue();
        pair.Server.TrySendGroup(g => g.SendCommitResult(s_lobby, CommitStatus.Accepted, s_groupId, 5)).ShouldBeTrue();
        pair.Server.TrySendGroup(g => g.SendCommitRelay(s_lobby, s_alice, "alice", Payload(2_000, 6))).ShouldBeTrue();
        pair.Server.TrySendGroup(g => g.SendWelcomeRelay(s_lobby, s_alice, "alice", welcome)).ShouldBeTrue();
        pair.Server.TrySendGroup(g => g.SendGroupRelay(GroupTarget.ForPerson(s_alice), s_alice, "alice", Payload(80, 7))).ShouldBeTrue();
        pair.Server.TrySendGroup(g => g.SendKeyPackageRelay(s_bob, "bob", Payload(400, 8))).ShouldBeTrue();
        await Eventually.True(() => member.Received.Count == 6, "the client's owner to get the six hub records");
        output.WriteLine($"hub -> client: {pair.Server.RecordsSent - hubSentBefore} records for 6 group records");

        member.Received.Select(r => r.Type).ShouldBe(
            [FrameType.GroupTask, FrameType.CommitResult, FrameType.CommitRelay, FrameType.WelcomeRelay, FrameType.GroupRelay, FrameType.KeyPackageRelay]);
        member.Of<GroupTaskRecord>().Single().Joiners.Single().KeyPackage.ShouldBe(Payload(700, 5));
        member.Of<CommitResultRecord>().Single().Epoch.ShouldBe(5UL);
        member.Of<CommitRelayRecord>().Single().Mls.ShouldBe(Payload(2_000, 6));
        member.Of<WelcomeRelayRecord>().Single().Mls.ShouldBe(welcome);
        member.Of<GroupRelayRecord>().Single().Mls.ShouldBe(Payload(80, 7));
        member.Of<KeyPackageRelayRecord>().Single().Mls.ShouldBe(Payload(400, 8));
        pair.Client.IsSecure.ShouldBeTrue();
        pair.Server.IsSecure.ShouldBeTrue();
    }
}
