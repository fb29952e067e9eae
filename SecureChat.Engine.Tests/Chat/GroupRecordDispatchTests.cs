using SecureChat.Engine.Chat;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Tests.Support;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Chat;

/// <summary>
/// The v4 records between two sessions (PROTOCOL.md 4.1, 4.1.1): what one side's <see cref="GroupRecordSender"/>
/// seals reaches the other side's owner (<see cref="IHubGroupRecords"/> on a hub, <see cref="IMemberGroupRecords"/> on a
/// client) parsed, with its Parts assembled, also when records of other types come between the Parts; an empty Part,
/// Parts or an assembled record past <see cref="WireFormat.MlsPayloadMax"/>, a malformed record of each type, a record
/// nobody on that side takes, and a room target the hub sent that is not a room name each fail the receiving session
/// as a protocol violation with nothing handed on.
/// </summary>
public sealed class GroupRecordDispatchTests(ITestOutputHelper output)
{
    private static readonly byte[] s_alice = [.. Enumerable.Repeat((byte)0xA1, WireFormat.IdentityDigestSize)];
    private static readonly byte[] s_bob = [.. Enumerable.Repeat((byte)0xB0, WireFormat.IdentityDigestSize)];
    private static readonly byte[] s_groupId = [.. Enumerable.Range(1, WireFormat.GroupIdSize).Select(i => (byte)i)];
    private static readonly GroupTarget s_lobby = GroupTarget.ForRoom("#lobby");

    private static byte[] Payload(int length, byte seed = 0x40) => [.. Enumerable.Range(0, length).Select(i => (byte)(seed + i * 7))];

    [Fact]
    public void A_client_s_key_packages_commit_with_a_300_kilobyte_welcome_and_message_reach_the_hub_s_owner_parsed()
    {
        using SessionPair pair = SessionPair.Established();
        var hub = new GroupRecordRecorder();
        pair.ServerChat.HubRecords = hub;
        byte[] welcome = Payload(300_000, 3);

        pair.ClientChat.Groups.SendKeyPackages([Payload(300), Payload(200, 9)], lastResort: true);
        pair.ClientChat.Groups.SendGroupCommit(s_lobby, Payload(1_000), welcome);
        pair.ClientChat.Groups.SendGroupMessage(GroupTarget.ForPerson(s_bob), Payload(120));
        pair.Pump();
        GroupRecordRecorder.DeliverAll(pair.ServerEvents);

        pair.Server.IsSecure.ShouldBeTrue(pair.Server.Failure?.Message);
        hub.Received.Select(r => r.Type).ShouldBe([FrameType.KeyPackages, FrameType.GroupCommit, FrameType.GroupMessage]);
        KeyPackagesRecord keyPackages = hub.Of<KeyPackagesRecord>().Single();
        keyPackages.LastResort.ShouldBeTrue();
        keyPackages.KeyPackages.ShouldBe([Payload(300), Payload(200, 9)]);
        GroupCommitRecord commit = hub.Of<GroupCommitRecord>().Single();
        commit.Target.ShouldBe(s_lobby);
        commit.Commit.ShouldBe(Payload(1_000));
        commit.Welcome.ShouldBe(welcome);
        GroupMessageRecord message = hub.Of<GroupMessageRecord>().Single();
        message.Target.ShouldBe(GroupTarget.ForPerson(s_bob));
        message.Mls.ShouldBe(Payload(120));
        pair.ServerChat.PendingPartBytes.ShouldBe(0);
        output.WriteLine($"{pair.Server.Records.ReceivedRecords} records opened by the hub for 3 group records (the commit's Parts included)");
    }

    [Fact]
    public void The_hub_s_task_result_relays_and_key_package_reach_the_client_s_owner_parsed()
    {
        using SessionPair pair = SessionPair.Established();
        var member = new GroupRecordRecorder();
        pair.ClientChat.MemberRecords = member;
        byte[] welcome = Payload(300_000, 5);
        GroupTarget bob = GroupTarget.ForPerson(s_bob);

        pair.ServerChat.Groups.SendGroupTask(s_lobby, s_groupId, 7, [s_alice], [new GroupTaskJoiner(s_bob, "bob", Payload(400))]);
        pair.ServerChat.Groups.SendCommitResult(s_lobby, CommitStatus.Stale, s_groupId, 8);
        pair.ServerChat.Groups.SendCommitRelay(s_lobby, s_alice, "alice", Payload(900));
        pair.ServerChat.Groups.SendWelcomeRelay(bob, s_alice, "alice", welcome);
        pair.ServerChat.Groups.SendGroupRelay(s_lobby, s_bob, "bob", Payload(60));
        pair.ServerChat.Groups.SendKeyPackageRelay(s_bob, "bob", Payload(250));
        pair.Pump();
        GroupRecordRecorder.DeliverAll(pair.ClientEvents);

        pair.Client.IsSecure.ShouldBeTrue(pair.Client.Failure?.Message);
        member.Received.Select(r => r.Type).ShouldBe(
            [FrameType.GroupTask, FrameType.CommitResult, FrameType.CommitRelay, FrameType.WelcomeRelay, FrameType.GroupRelay, FrameType.KeyPackageRelay]);
        GroupTaskRecord task = member.Of<GroupTaskRecord>().Single();
        (task.Target, task.Epoch, task.Joiners.Single().Name).ShouldBe((s_lobby, 7UL, "bob"));
        task.Removals.Single().ShouldBe(s_alice);
        task.Joiners.Single().KeyPackage.ShouldBe(Payload(400));
        task.GroupId.ShouldBe(s_groupId);
        CommitResultRecord result = member.Of<CommitResultRecord>().Single();
        (result.Target, result.Status, result.Epoch).ShouldBe((s_lobby, CommitStatus.Stale, 8UL));
        member.Of<CommitRelayRecord>().Single().Mls.ShouldBe(Payload(900));
        WelcomeRelayRecord relayed = member.Of<WelcomeRelayRecord>().Single();
        (relayed.Target, relayed.Name).ShouldBe((bob, "alice"));
        relayed.Mls.ShouldBe(welcome);
        GroupRelayRecord relay = member.Of<GroupRelayRecord>().Single();
        relay.Name.ShouldBe("bob");
        relay.Digest.ShouldBe(s_bob);
        relay.Mls.ShouldBe(Payload(60));
        KeyPackageRelayRecord keyPackage = member.Of<KeyPackageRelayRecord>().Single();
        keyPackage.Name.ShouldBe("bob");
        keyPackage.Digest.ShouldBe(s_bob);
        keyPackage.Mls.ShouldBe(Payload(250));
    }

    [Fact]
    public void Records_of_other_types_between_the_parts_are_handled_in_order_and_the_parts_wait_for_the_record()
    {
        using SessionPair pair = SessionPair.Established();
        var hub = new GroupRecordRecorder();
        pair.ServerChat.HubRecords = hub;
        byte[] mls = Payload(3 * PartRecord.SizeMax, 11);
        List<(FrameType Type, byte[] Plaintext)> frames = new GroupMessageRecord(s_lobby, mls).Write();
        frames.Select(f => f.Type).ShouldBe([FrameType.Part, FrameType.Part, FrameType.Part, FrameType.GroupMessage]);

        pair.Client.SealApplication(frames[0].Type, frames[0].Plaintext);
        pair.ClientChat.SendNick("alice2");
        pair.Client.SealApplication(frames[1].Type, frames[1].Plaintext);
        pair.Client.SealHeartbeat();
        pair.Client.SealApplication(frames[2].Type, frames[2].Plaintext);
        pair.ClientChat.SendRequest(RoomOp.List, string.Empty, string.Empty, string.Empty);
        pair.Pump();
        pair.ServerChat.PendingPartBytes.ShouldBe(frames.Take(3).Sum(f => f.Plaintext.Length), "the Parts wait for the record that has an mls field");
        pair.ServerEvents.OfType<GroupRecordEvent>().ShouldBeEmpty();

        pair.Client.SealApplication(frames[3].Type, frames[3].Plaintext);
        pair.Pump();
        GroupRecordRecorder.DeliverAll(pair.ServerEvents);

        pair.Server.IsSecure.ShouldBeTrue(pair.Server.Failure?.Message);
        pair.ServerChat.PendingPartBytes.ShouldBe(0);
        pair.ServerEvents.Where(e => e is PeerNamedEvent or RoomRequestEvent or GroupRecordEvent).Select(e => e.GetType().Name)
            .ShouldBe([nameof(PeerNamedEvent), nameof(RoomRequestEvent), nameof(GroupRecordEvent)]);
        hub.Of<GroupMessageRecord>().Single().Mls.ShouldBe(mls);
    }

    /// <summary>Records a peer seals as it likes (each a list of type and plaintext), sent to the side they are for.</summary>
    public static TheoryData<string, bool, (byte, byte[])[]> Violations()
    {
        byte[] fullParts = new byte[PartRecord.SizeMax];
        int partsMax = WireFormat.MlsPayloadMax / PartRecord.SizeMax;
        (byte, byte[])[] AtLimit(params (byte, byte[])[] then) => [.. Enumerable.Repeat(((byte)FrameType.Part, fullParts), partsMax), .. then];
        byte[] name = [5, .. "alice"u8];
        return new()
        {
            { "an empty Part", true, [((byte)FrameType.Part, [])] },
            { "a Part of 16,385 bytes", true, [((byte)FrameType.Part, new byte[PartRecord.SizeMax + 1])] },
            { "Parts one byte past MlsPayloadMax", true, AtLimit(((byte)FrameType.Part, [1])) },
            { "an assembled GroupMessage one byte past MlsPayloadMax", true, AtLimit(((byte)FrameType.GroupMessage, [6, .. "#lobby"u8, 1])) },
            { "an assembled GroupRelay one byte past MlsPayloadMax", false, AtLimit(((byte)FrameType.GroupRelay, [6, .. "#lobby"u8, .. s_alice, .. name, 1])) },
            { "KeyPackages with flag bit 1", true, [((byte)FrameType.KeyPackages, [2, 0, 0, 0, 1, 9])] },
            { "KeyPackages with no entry", true, [((byte)FrameType.KeyPackages, [0])] },
            { "a GroupCommit with no commit", true, [((byte)FrameType.GroupCommit, [6, .. "#lobby"u8])] },
            { "a GroupCommit with a commit entry running past the end", true, [((byte)FrameType.GroupCommit, [6, .. "#lobby"u8, 0, 0, 0, 9, 1])] },
            { "a GroupMessage with an empty mls", true, [((byte)FrameType.GroupMessage, [6, .. "#lobby"u8])] },
            { "a GroupMessage with a target of n = 1", true, [((byte)FrameType.GroupMessage, [1, (byte)'#', 1, 2])] },
            { "a GroupTask with neither removals nor joiners", false, [((byte)FrameType.GroupTask, [6, .. "#lobby"u8, .. s_groupId, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0])] },
            { "a GroupTask with 501 removals", false, [((byte)FrameType.GroupTask, [6, .. "#lobby"u8, .. s_groupId, 0, 0, 0, 0, 0, 0, 0, 1, 0x01, 0xF5])] },
            { "a CommitResult with status 3", false, [((byte)FrameType.CommitResult, [6, .. "#lobby"u8, 3, .. s_groupId, 0, 0, 0, 0, 0, 0, 0, 1])] },
            { "a CommitRelay with an empty name", false, [((byte)FrameType.CommitRelay, [6, .. "#lobby"u8, .. s_alice, 0, 1, 2])] },
            { "a WelcomeRelay with a short digest", false, [((byte)FrameType.WelcomeRelay, [0, .. s_alice[..31]])] },
            { "a GroupRelay with an empty mls", false, [((byte)FrameType.GroupRelay, [6, .. "#lobby"u8, .. s_alice, .. name])] },
            { "a KeyPackageRelay with invalid UTF-8 in the name", false, [((byte)FrameType.KeyPackageRelay, [.. s_alice, 1, 0xFF, 1])] },
            { "a GroupRelay for a room that is not a room name", false, [((byte)FrameType.GroupRelay, [6, .. "lobby!"u8, .. s_alice, .. name, 1])] },
            { "a GroupTask for a room that is not a room name", false, [((byte)FrameType.GroupTask, [3, .. "# x"u8, .. s_groupId, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, .. s_bob])] },
            { "a GroupMessage sent to a client", false, [((byte)FrameType.GroupMessage, [6, .. "#lobby"u8, 1])] },
            { "a GroupRelay sent to a hub", true, [((byte)FrameType.GroupRelay, [6, .. "#lobby"u8, .. s_alice, .. name, 1])] },
        };
    }

    [Theory]
    [MemberData(nameof(Violations))]
    public void A_bad_part_or_record_fails_the_receiving_session_as_a_violation_and_hands_nothing_on(string what, bool toHub, (byte, byte[])[] records)
    {
        using SessionPair pair = SessionPair.Established();
        var owner = new GroupRecordRecorder();
        pair.ServerChat.HubRecords = owner;
        pair.ClientChat.MemberRecords = owner;
        SecureSession sender = toHub ? pair.Client : pair.Server;
        SecureSession receiver = toHub ? pair.Server : pair.Client;
        foreach ((byte type, byte[] plaintext) in records)
        {
            sender.SealControl((FrameType)type, plaintext);
        }

        pair.Pump();
        GroupRecordRecorder.DeliverAll(pair.EventsOf(receiver));

        output.WriteLine($"{what}: {receiver.Failure?.Message ?? "accepted"}");
        receiver.Failure.ShouldNotBeNull(what).Reason.ShouldBe(FailureReason.ProtocolViolation, what);
        owner.Received.ShouldBeEmpty(what);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_group_record_on_a_side_whose_owner_takes_none_is_a_violation(bool toHub)
    {
        using SessionPair pair = SessionPair.Established();
        if (toHub)
        {
            pair.ClientChat.Groups.SendGroupMessage(s_lobby, Payload(10));
        }
        else
        {
            pair.ServerChat.Groups.SendGroupRelay(s_lobby, s_bob, "bob", Payload(10));
        }

        pair.Pump();

        SecureSession receiver = toHub ? pair.Server : pair.Client;
        output.WriteLine(receiver.Failure?.Message ?? "accepted");
        receiver.Failure.ShouldNotBeNull().Reason.ShouldBe(FailureReason.ProtocolViolation);
        pair.EventsOf<GroupRecordEvent>(receiver).ShouldBeEmpty();
    }

    [Fact]
    public void Each_side_sends_only_its_own_group_records()
    {
        using SessionPair pair = SessionPair.Established();
        Should.Throw<InvalidOperationException>(() => pair.ServerChat.Groups.SendGroupMessage(s_lobby, Payload(10)));
        Should.Throw<InvalidOperationException>(() => pair.ClientChat.Groups.SendGroupRelay(s_lobby, s_bob, "bob", Payload(10)));
        Should.Throw<InvalidOperationException>(() => pair.ClientChat.Groups.SendCommitResult(s_lobby, CommitStatus.Accepted, s_groupId, 1));
        Should.Throw<ArgumentException>(() => pair.ClientChat.Groups.SendGroupMessage(s_lobby, []));
        Should.Throw<ArgumentException>(() => pair.ClientChat.Groups.SendGroupMessage(s_lobby, new byte[WireFormat.MlsPayloadMax + 1]));
    }
}
