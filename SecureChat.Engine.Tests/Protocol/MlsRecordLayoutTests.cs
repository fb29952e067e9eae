using System.Buffers.Binary;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Tests.Protocol;

/// <summary>
/// The version 4 records that carry MLS messages (PROTOCOL.md 4.1, 4.1.1) as pure writers and parsers: each round-trips
/// for a room and for a person, through Parts when its payload is longer than a record; every cut into a head or into
/// a length-prefixed entry, every bad target, status, flag or count, and every payload past the limit is refused
/// without an exception. The MLS messages themselves are opaque bytes here.
/// </summary>
public sealed class MlsRecordLayoutTests(ITestOutputHelper output)
{
    private static readonly byte[] s_alice = [.. Enumerable.Repeat((byte)0xA1, WireFormat.IdentityDigestSize)];
    private static readonly byte[] s_bob = [.. Enumerable.Repeat((byte)0xB0, WireFormat.IdentityDigestSize)];
    private static readonly byte[] s_groupId = [.. Enumerable.Range(1, WireFormat.GroupIdSize).Select(i => (byte)i)];
    private static readonly string s_longestRoom = "#" + new string('r', WireFormat.RoomMax - 1);

    public static TheoryData<string> Targets => new() { "#lobby", s_longestRoom, "bob" };

    private static GroupTarget Target(string which) => which == "bob" ? GroupTarget.ForPerson(s_bob) : GroupTarget.ForRoom(which);

    private static byte[] Payload(int length, byte seed = 0x40) => [.. Enumerable.Range(0, length).Select(i => (byte)(seed + i * 7))];

    [Theory]
    [MemberData(nameof(Targets))]
    public void A_group_message_and_the_three_relays_round_trip_for_a_room_and_for_a_person(string which)
    {
        GroupTarget target = Target(which);
        byte[] mls = Payload(300);

        GroupMessageRecord message = Single<GroupMessageRecord>(new GroupMessageRecord(target, mls).Write(), FrameType.GroupMessage, GroupMessageRecord.TryParse);
        message.Target.ShouldBe(target);
        message.Mls.ShouldBe(mls);

        CommitRelayRecord commit = Single<CommitRelayRecord>(new CommitRelayRecord(target, s_alice, "alice", mls).Write(), FrameType.CommitRelay, CommitRelayRecord.TryParse);
        Same(commit.Target, commit.Digest, commit.Name, commit.Mls, target, mls);

        WelcomeRelayRecord welcome = Single<WelcomeRelayRecord>(new WelcomeRelayRecord(target, s_alice, "alice", mls).Write(), FrameType.WelcomeRelay, WelcomeRelayRecord.TryParse);
        Same(welcome.Target, welcome.Digest, welcome.Name, welcome.Mls, target, mls);

        GroupRelayRecord relay = Single<GroupRelayRecord>(new GroupRelayRecord(target, s_alice, "alice", mls).Write(), FrameType.GroupRelay, GroupRelayRecord.TryParse);
        Same(relay.Target, relay.Digest, relay.Name, relay.Mls, target, mls);
    }

    [Fact]
    public void A_target_is_a_room_of_2_to_64_bytes_or_a_zero_byte_and_a_digest()
    {
        byte[] buffer = new byte[GroupTarget.FieldMax];
        GroupTarget.ForPerson(s_bob).Write(buffer).ShouldBe(33);
        buffer[0].ShouldBe((byte)0);
        GroupTarget.ForRoom("#x").Write(buffer).ShouldBe(3);
        GroupTarget.ForRoom(s_longestRoom).Write(buffer).ShouldBe(65);

        byte[][] bads = [[], [1, (byte)'#'], [65, .. new byte[65]], [0, .. new byte[31]], [2, (byte)'#', 0xFF], [3, (byte)'#']];
        foreach (byte[] bad in bads)
        {
            ReadOnlySpan<byte> span = bad;
            GroupTarget.TryRead(ref span, out _).ShouldBeFalse(Convert.ToHexString(bad));
            span.Length.ShouldBe(bad.Length, "a refused field is not consumed");
        }

        Should.Throw<ArgumentException>(() => GroupTarget.ForRoom(string.Empty).Write(buffer));
        Should.Throw<ArgumentException>(() => new GroupTarget("#x", s_bob).Write(buffer));
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 9)]
    public void Key_packages_round_trip_with_the_last_resort_flag(bool lastResort, int count)
    {
        byte[][] packages = [.. Enumerable.Range(0, count).Select(i => Payload(250 + i, (byte)i))];
        KeyPackagesRecord record = Single<KeyPackagesRecord>(new KeyPackagesRecord(lastResort, packages).Write(), FrameType.KeyPackages, KeyPackagesRecord.TryParse);
        record.LastResort.ShouldBe(lastResort);
        record.KeyPackages.Count.ShouldBe(count);
        for (int i = 0; i < count; i++)
        {
            record.KeyPackages[i].ShouldBe(packages[i]);
        }

        KeyPackageRelayRecord relay = Single<KeyPackageRelayRecord>(new KeyPackageRelayRecord(s_bob, "bob", packages[0]).Write(), FrameType.KeyPackageRelay, KeyPackageRelayRecord.TryParse);
        relay.Name.ShouldBe("bob");
        relay.Digest.ShouldBe(s_bob);
        relay.Mls.ShouldBe(packages[0]);
    }

    [Fact]
    public void Key_packages_refuse_no_entry_ten_entries_an_empty_entry_a_short_entry_and_an_unknown_flag()
    {
        byte[] one = [.. Entry(Payload(5))];
        KeyPackagesRecord.TryParse([0, .. one], [], out _).ShouldBeTrue();
        KeyPackagesRecord.TryParse([0], [], out _).ShouldBeFalse("no key package");
        KeyPackagesRecord.TryParse([], [], out _).ShouldBeFalse("no flags");
        KeyPackagesRecord.TryParse([0x02, .. one], [], out _).ShouldBeFalse("flag bit 1 is not defined");
        KeyPackagesRecord.TryParse([0, .. Enumerable.Repeat(one, 10).SelectMany(e => e)], [], out _).ShouldBeFalse("ten key packages");
        KeyPackagesRecord.TryParse([0, .. one, 0, 0, 0, 0], [], out _).ShouldBeFalse("an empty entry");
        KeyPackagesRecord.TryParse([0, .. one, 0, 0, 0, 9, 1, 2], [], out _).ShouldBeFalse("an entry longer than what is left");
        KeyPackagesRecord.TryParse([0, .. one, 0, 0], [], out _).ShouldBeFalse("a cut length prefix");
        Should.Throw<ArgumentException>(() => new KeyPackagesRecord(false, []).Write());
        Should.Throw<ArgumentException>(() => new KeyPackagesRecord(false, [.. Enumerable.Repeat(Payload(3), 10)]).Write());
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void A_group_task_round_trips_with_removals_and_joiners(string which)
    {
        GroupTarget target = Target(which);
        GroupTaskJoiner[] joiners = [new(s_alice, "alice", Payload(280)), new(s_bob, "bob", Payload(281, 3))];
        GroupTaskRecord task = Single<GroupTaskRecord>(new GroupTaskRecord(target, s_groupId, 41, [s_bob], joiners).Write(), FrameType.GroupTask, GroupTaskRecord.TryParse);
        (task.Target, task.Epoch).ShouldBe((target, 41UL));
        task.GroupId.ShouldBe(s_groupId);
        task.Removals.Single().ShouldBe(s_bob);
        task.Joiners.Select(j => (j.Name, Convert.ToHexString(j.Digest), Convert.ToHexString(j.KeyPackage)))
            .ShouldBe(joiners.Select(j => (j.Name, Convert.ToHexString(j.Digest), Convert.ToHexString(j.KeyPackage))));

        GroupTaskRecord removalsOnly = Single<GroupTaskRecord>(new GroupTaskRecord(target, s_groupId, ulong.MaxValue, [.. Enumerable.Repeat(s_alice, WireFormat.TaskRemovalsMax)], []).Write(), FrameType.GroupTask, GroupTaskRecord.TryParse);
        (removalsOnly.Removals.Count, removalsOnly.Joiners.Count, removalsOnly.Epoch).ShouldBe((WireFormat.TaskRemovalsMax, 0, ulong.MaxValue));
    }

    [Fact]
    public void A_group_task_refuses_an_empty_task_too_many_removals_and_a_malformed_joiner()
    {
        byte[] head = [6, .. "#lobby"u8, .. s_groupId, 0, 0, 0, 0, 0, 0, 0, 7];
        GroupTaskRecord.TryParse([.. head, 0, 0], [], out _).ShouldBeFalse("neither removals nor joiners");
        GroupTaskRecord.TryParse([.. head, 0, 1, .. s_alice], [], out _).ShouldBeTrue();
        GroupTaskRecord.TryParse([.. head, 0, 2, .. s_alice], [], out _).ShouldBeFalse("a removal count past the digests");
        GroupTaskRecord.TryParse([.. head, 0x01, 0xF5, .. Enumerable.Repeat(s_alice, 501).SelectMany(d => d)], [], out _).ShouldBeFalse("501 removals");
        byte[] joiner = [.. s_bob, 3, .. "bob"u8, .. Entry(Payload(4))];
        GroupTaskRecord.TryParse([.. head, 0, 0, .. joiner], [], out _).ShouldBeTrue();
        GroupTaskRecord.TryParse([.. head, 0, 0, .. s_bob, 0, .. Entry(Payload(4))], [], out _).ShouldBeFalse("a joiner without a name");
        GroupTaskRecord.TryParse([.. head, 0, 0, .. s_bob, 3, .. "bob"u8, 0, 0, 0, 0], [], out _).ShouldBeFalse("a joiner with an empty key package");
        GroupTaskRecord.TryParse([.. head, 0, 0, .. Enumerable.Repeat(joiner, 256).SelectMany(j => j)], [], out _).ShouldBeFalse("256 joiners");
        GroupTaskRecord.TryParse([.. head, 0, 0, .. Enumerable.Repeat(joiner, 255).SelectMany(j => j)], [], out _).ShouldBeTrue("255 joiners");
        Should.Throw<ArgumentException>(() => new GroupTaskRecord(GroupTarget.ForRoom("#x"), s_groupId, 1, [], []).Write());
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void A_commit_travels_with_its_welcome_or_alone(string which)
    {
        GroupTarget target = Target(which);
        GroupCommitRecord withWelcome = Single<GroupCommitRecord>(new GroupCommitRecord(target, Payload(700), Payload(900, 9)).Write(), FrameType.GroupCommit, GroupCommitRecord.TryParse);
        withWelcome.Target.ShouldBe(target);
        withWelcome.Commit.ShouldBe(Payload(700));
        withWelcome.Welcome.ShouldBe(Payload(900, 9));
        GroupCommitRecord alone = Single<GroupCommitRecord>(new GroupCommitRecord(target, Payload(1), []).Write(), FrameType.GroupCommit, GroupCommitRecord.TryParse);
        alone.Commit.ShouldBe(Payload(1));
        alone.Welcome.ShouldBeEmpty();

        GroupCommitRecord.TryParse([2, .. "#x"u8, 0, 0, 0, 0], [], out _).ShouldBeFalse("an empty commit");
        GroupCommitRecord.TryParse([2, .. "#x"u8, 0, 0, 0, 2, 1], [], out _).ShouldBeFalse("a commit longer than what is left");
        GroupCommitRecord.TryParse([2, .. "#x"u8], [], out _).ShouldBeFalse("no commit");
        Should.Throw<ArgumentException>(() => new GroupCommitRecord(target, [], Payload(3)).Write());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void A_commit_result_round_trips_and_refuses_any_other_status(byte code)
    {
        var status = (CommitStatus)code;
        byte[] buffer = new byte[CommitResultRecord.SizeMax];
        var result = new CommitResultRecord(GroupTarget.ForPerson(s_bob), status, s_groupId, 1UL << 40);
        int length = result.Write(buffer);
        length.ShouldBe(33 + 1 + 16 + 8);
        CommitResultRecord.TryParse(buffer.AsSpan(0, length), out CommitResultRecord parsed).ShouldBeTrue();
        (parsed.Target, parsed.Status, parsed.Epoch).ShouldBe((result.Target, status, 1UL << 40));
        parsed.GroupId.ShouldBe(s_groupId);

        byte[] plaintext = buffer[..length];
        plaintext[33] = 3;
        CommitResultRecord.TryParse(plaintext, out _).ShouldBeFalse("status 3");
        CommitResultRecord.TryParse([.. buffer[..length], 0], out _).ShouldBeFalse("a byte after the epoch");
    }

    [Fact]
    public void Every_cut_into_a_head_or_a_length_prefixed_entry_is_refused()
    {
        // Opaque: where the MLS payload starts (a cut after it is a shorter MLSMessage, which the Mls layer refuses).
        // Whole: the lengths at which a cut record is itself well formed (it ends after a whole entry).
        var cases = new List<(string What, byte[] Plaintext, Func<byte[], bool> Parse, int Opaque, int[] Whole)>
        {
            ("CommitResult", Record(new CommitResultRecord(GroupTarget.ForRoom("#lobby"), CommitStatus.Stale, s_groupId, 9)), p => CommitResultRecord.TryParse(p, out _), int.MaxValue, []),
            ("GroupMessage", Only(new GroupMessageRecord(GroupTarget.ForPerson(s_bob), Payload(40)).Write()), p => GroupMessageRecord.TryParse(p, [], out _), 33, []),
            ("CommitRelay", Only(new CommitRelayRecord(GroupTarget.ForRoom("#lobby"), s_alice, "alice", Payload(40)).Write()), p => CommitRelayRecord.TryParse(p, [], out _), 7 + 32 + 6, []),
            ("WelcomeRelay", Only(new WelcomeRelayRecord(GroupTarget.ForPerson(s_bob), s_alice, "alice", Payload(40)).Write()), p => WelcomeRelayRecord.TryParse(p, [], out _), 33 + 32 + 6, []),
            ("GroupRelay", Only(new GroupRelayRecord(GroupTarget.ForRoom("#lobby"), s_alice, "alice", Payload(40)).Write()), p => GroupRelayRecord.TryParse(p, [], out _), 7 + 32 + 6, []),
            ("KeyPackageRelay", Only(new KeyPackageRelayRecord(s_bob, "bob", Payload(40)).Write()), p => KeyPackageRelayRecord.TryParse(p, [], out _), 32 + 4, []),
            ("KeyPackages", Only(new KeyPackagesRecord(true, [Payload(30), Payload(20)]).Write()), p => KeyPackagesRecord.TryParse(p, [], out _), int.MaxValue, [1 + 34]),
            ("GroupTask", Only(new GroupTaskRecord(GroupTarget.ForRoom("#lobby"), s_groupId, 3, [s_alice], [new(s_bob, "bob", Payload(30))]).Write()), p => GroupTaskRecord.TryParse(p, [], out _), int.MaxValue, [7 + 16 + 8 + 2 + 32]),
            ("GroupCommit", Only(new GroupCommitRecord(GroupTarget.ForRoom("#lobby"), Payload(30), []).Write()), p => GroupCommitRecord.TryParse(p, [], out _), int.MaxValue, []),
        };

        foreach ((string what, byte[] plaintext, Func<byte[], bool> parse, int opaque, int[] whole) in cases)
        {
            parse(plaintext).ShouldBeTrue(what);
            int refused = 0;
            for (int cut = 0; cut < Math.Min(plaintext.Length, opaque == int.MaxValue ? plaintext.Length : opaque + 1); cut++)
            {
                bool parsed = parse(plaintext[..cut]);
                parsed.ShouldBe(whole.Contains(cut), $"{what} cut to {cut} of {plaintext.Length} bytes");
                refused += parsed ? 0 : 1;
            }

            refused.ShouldBeGreaterThan(0, what);
            output.WriteLine($"{what}: {plaintext.Length} bytes, {refused} cuts refused"
                + (opaque < plaintext.Length ? $" (every cut into its {opaque}-byte head; the MLS layer refuses a cut MLSMessage)" : $" (every cut but after a whole entry: {string.Join(", ", whole)})"));
        }
    }

    [Fact]
    public void A_payload_that_fills_the_record_needs_no_part_and_one_byte_more_needs_one()
    {
        var target = GroupTarget.ForRoom("#lobby");
        int fits = WireFormat.RecordPlaintextMax - 7;
        List<(FrameType Type, byte[] Plaintext)> exact = new GroupMessageRecord(target, Payload(fits)).Write();
        exact.Select(f => (f.Type, f.Plaintext.Length)).ShouldBe([(FrameType.GroupMessage, WireFormat.RecordPlaintextMax)]);

        List<(FrameType Type, byte[] Plaintext)> over = new GroupMessageRecord(target, Payload(fits + 1)).Write();
        over.Select(f => (f.Type, f.Plaintext.Length)).ShouldBe([(FrameType.Part, 1), (FrameType.GroupMessage, WireFormat.RecordPlaintextMax)]);
        Assemble<GroupMessageRecord>(over, GroupMessageRecord.TryParse).Mls.ShouldBe(Payload(fits + 1));
    }

    [Fact]
    public void A_welcome_of_300_kilobytes_is_cut_into_full_parts_and_assembled_whole()
    {
        byte[] welcome = Payload(300_000, 1);
        List<(FrameType Type, byte[] Plaintext)> frames = new WelcomeRelayRecord(GroupTarget.ForRoom(s_longestRoom), s_alice, "alice", welcome).Write();
        frames[^1].Type.ShouldBe(FrameType.WelcomeRelay);
        frames[^1].Plaintext.Length.ShouldBe(WireFormat.RecordPlaintextMax, "the record is filled with the payload's last bytes");
        frames[..^2].ShouldAllBe(f => f.Type == FrameType.Part && f.Plaintext.Length == PartRecord.SizeMax);
        frames[^2].Type.ShouldBe(FrameType.Part);
        frames[^2].Plaintext.Length.ShouldBeInRange(1, PartRecord.SizeMax);

        WelcomeRelayRecord record = Assemble<WelcomeRelayRecord>(frames, WelcomeRelayRecord.TryParse);
        record.Mls.ShouldBe(welcome);
        output.WriteLine($"a {welcome.Length:N0}-byte Welcome: {frames.Count - 1} Parts ({frames[^2].Plaintext.Length:N0} bytes in the last) and a WelcomeRelay of {frames[^1].Plaintext.Length:N0} bytes");
    }

    [Fact]
    public void The_largest_payload_is_assembled_and_one_byte_more_is_refused_before_it_is_kept()
    {
        byte[] largest = Payload(WireFormat.MlsPayloadMax, 5);
        List<(FrameType Type, byte[] Plaintext)> frames = new GroupRelayRecord(GroupTarget.ForPerson(s_alice), s_alice, "alice", largest).Write();
        Assemble<GroupRelayRecord>(frames, GroupRelayRecord.TryParse).Mls.ShouldBe(largest);
        Should.Throw<ArgumentException>(() => new GroupRelayRecord(GroupTarget.ForPerson(s_alice), s_alice, "alice", Payload(WireFormat.MlsPayloadMax + 1)).Write());

        var assembler = new PartAssembler();
        for (int i = 0; i < WireFormat.MlsPayloadMax / PartRecord.SizeMax; i++)
        {
            assembler.TryAdd(largest.AsSpan(i * PartRecord.SizeMax, PartRecord.SizeMax)).ShouldBeTrue();
        }

        assembler.Pending.ShouldBe(WireFormat.MlsPayloadMax);
        assembler.TryAdd([1]).ShouldBeFalse("a Part past the limit");
        assembler.Pending.ShouldBe(WireFormat.MlsPayloadMax, "nothing of it is kept");
        byte[] parts = assembler.Take();
        assembler.Pending.ShouldBe(0);
        GroupMessageRecord.TryParse([6, .. "#lobby"u8], parts, out _).ShouldBeTrue("a record with an empty tail after full Parts");
        GroupMessageRecord.TryParse([6, .. "#lobby"u8, 1], parts, out _).ShouldBeFalse("one byte of tail past the limit");
        KeyPackagesRecord.TryParse([0, 1], parts, out _).ShouldBeFalse();
        GroupTaskRecord.TryParse([6, .. "#lobby"u8, .. s_groupId, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 1], parts, out _).ShouldBeFalse();
        GroupCommitRecord.TryParse([6, .. "#lobby"u8, 1], parts, out _).ShouldBeFalse();
        CommitRelayRecord.TryParse([6, .. "#lobby"u8, .. s_alice, 1, (byte)'a', 1], parts, out _).ShouldBeFalse();
        KeyPackageRelayRecord.TryParse([.. s_alice, 1, (byte)'a', 1], parts, out _).ShouldBeFalse();
    }

    [Fact]
    public void An_empty_part_or_one_over_a_record_is_refused_and_the_frame_table_checks_it()
    {
        var assembler = new PartAssembler();
        assembler.TryAdd([]).ShouldBeFalse();
        assembler.TryAdd(new byte[PartRecord.SizeMax + 1]).ShouldBeFalse();
        assembler.TryAdd(new byte[PartRecord.SizeMax]).ShouldBeTrue();
        assembler.Clear();
        assembler.Pending.ShouldBe(0);

        FrameKind part = FrameTable.Of(FrameType.Part);
        part.Sender.ShouldBe(FrameSender.Either);
        part.Plaintext!([]).ShouldBeFalse();
        part.Plaintext!([0]).ShouldBeTrue();
        FrameTable.All.Where(k => k.CarriesMls).Select(k => k.Type).ShouldBe(
        [
            FrameType.KeyPackages, FrameType.GroupTask, FrameType.GroupCommit, FrameType.CommitRelay, FrameType.WelcomeRelay,
            FrameType.GroupMessage, FrameType.GroupRelay, FrameType.KeyPackageRelay,
        ]);
    }

    private static void Same(GroupTarget target, byte[] digest, string name, byte[] mls, GroupTarget expectedTarget, byte[] expectedMls)
    {
        (target, name).ShouldBe((expectedTarget, "alice"));
        digest.ShouldBe(s_alice);
        mls.ShouldBe(expectedMls);
    }

    private delegate bool Parser<T>(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> parts, out T record);

    /// <summary>The record of a write that needed no Part, parsed back.</summary>
    private static T Single<T>(List<(FrameType Type, byte[] Plaintext)> frames, FrameType type, Parser<T> parse)
    {
        frames.Count.ShouldBe(1);
        frames[0].Type.ShouldBe(type);
        parse(frames[0].Plaintext, [], out T record).ShouldBeTrue();
        return record;
    }

    /// <summary>Receives the frames as a link does: Parts into an assembler, then the record with what they brought.</summary>
    private static T Assemble<T>(List<(FrameType Type, byte[] Plaintext)> frames, Parser<T> parse)
    {
        var assembler = new PartAssembler();
        foreach ((FrameType type, byte[] plaintext) in frames[..^1])
        {
            type.ShouldBe(FrameType.Part);
            assembler.TryAdd(plaintext).ShouldBeTrue();
        }

        parse(frames[^1].Plaintext, assembler.Take(), out T record).ShouldBeTrue();
        return record;
    }

    private static byte[] Only(List<(FrameType Type, byte[] Plaintext)> frames) => frames.Single().Plaintext;

    private static byte[] Record(CommitResultRecord result)
    {
        byte[] buffer = new byte[CommitResultRecord.SizeMax];
        return buffer[..result.Write(buffer)];
    }

    private static byte[] Entry(byte[] content)
    {
        byte[] entry = new byte[4 + content.Length];
        BinaryPrimitives.WriteUInt32BigEndian(entry, (uint)content.Length);
        content.CopyTo(entry, 4);
        return entry;
    }
}
