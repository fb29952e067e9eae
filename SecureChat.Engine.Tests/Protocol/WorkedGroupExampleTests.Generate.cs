using System.Text;
using SecureChat.Engine.Mls;
using SecureChat.Engine.Mls.Group;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Protocol;
using static SecureChat.Engine.Tests.Protocol.NamedRandom;
using static SecureChat.Engine.Tests.Protocol.WorkedExampleText;

namespace SecureChat.Engine.Tests.Protocol;

public sealed partial class WorkedGroupExampleTests
{
    private const string Ops = "#ops";

    private static (string Text, int Records) Generate()
    {
        CipherSuite suite = CipherSuite.Suite1;
        var draws = new List<(string Name, byte[] Value)>();
        var alice = new WorkedGroupParty("alice", draws,
            "alice key package 1 init_key ikm", "alice key package 1 encryption_key ikm", "alice key package 2 init_key ikm", "alice key package 2 encryption_key ikm",
            "alice #ops leaf init_key ikm", "alice #ops leaf encryption_key ikm", "alice #ops init_secret",
            "alice #ops epoch 0 commit leaf_secret", "alice #ops epoch 0 commit path_secret", "alice #ops epoch 0 Welcome HPKE ikm (bob)",
            "alice #ops epoch 2 commit leaf_secret", "alice #ops epoch 2 commit path_secret", "alice #ops epoch 2 path HPKE ikm (bob)", "alice #ops epoch 2 Welcome HPKE ikm (carol)",
            "alice #ops epoch 3 commit leaf_secret", "alice #ops epoch 3 commit path_secret", "alice #ops epoch 3 path HPKE ikm (bob)");
        var bob = new WorkedGroupParty("bob", draws,
            "bob key package init_key ikm", "bob key package encryption_key ikm", "bob #ops reuse_guard",
            "bob #ops epoch 1 commit leaf_secret", "bob #ops epoch 1 commit path_secret", "bob #ops epoch 1 path HPKE ikm (alice)");
        var carol = new WorkedGroupParty("carol", draws,
            "carol key package init_key ikm", "carol key package encryption_key ikm", "carol direct group_id",
            "carol direct leaf init_key ikm", "carol direct leaf encryption_key ikm", "carol direct init_secret",
            "carol direct epoch 0 commit leaf_secret", "carol direct epoch 0 commit path_secret", "carol direct epoch 0 Welcome HPKE ikm (alice)");
        var hub = new NamedRandom(draws, "hub #ops group_id");
        WorkedGroupParty[] people = [alice, bob, carol];
        var words = new WorkedGroupWords();
        var wire = new GroupWire();
        foreach (WorkedGroupParty person in people)
        {
            words.Name(person.PublicKey, $"{person.Name}'s identity public key");
        }

        // alice's key packages (two of them: a client sends 8 and a last resort), as the hub keeps them.
        var aliceFirst = alice.NewKeyPackage();
        var aliceLast = alice.NewKeyPackage();
        byte[] aliceFirstMls = MlsMessage.Of(aliceFirst.KeyPackage).Encode();
        byte[] aliceLastMls = MlsMessage.Of(aliceLast.KeyPackage).Encode();
        byte[] aliceFirstRef = aliceFirst.KeyPackage.Reference(suite);
        byte[] aliceLastRef = aliceLast.KeyPackage.Reference(suite);
        words.Name(aliceFirstRef, "A1");
        words.Name(aliceLastRef, "A2");
        wire.Show("KeyPackages (alice: 2 key packages, the second her last resort)", new KeyPackagesRecord(true, [aliceFirstMls, aliceLastMls]).Write(), FrameType.KeyPackages,
            [0x01, .. Entry(aliceFirstMls), .. Entry(aliceLastMls)],
            "flags 0x01: the last one is the last resort", $"first: {words.KeyPackage(aliceFirstMls)}", $"second: {words.KeyPackage(aliceLastMls)}");

        // alice creates #ops: the hub picks its group_id, alice founds the group at epoch 0 alone.
        byte[] opsId = new byte[SecureChat.Engine.Protocol.WireFormat.GroupIdSize];
        hub.Fill(opsId);
        words.Name(opsId, "G1");
        byte[] roomInfo = [1, .. Str8(Ops), 0x06, .. U32(1), .. Str8(string.Empty), .. opsId];
        wire.Show("RoomInfo entered #ops (founder, operator, 1 member, no topic)", roomInfo, roomInfo,
            "kind 1 entered, room #ops, flags 0x06: bit 1 operator, bit 2 founder, members 1, topic empty, group_id G1");
        var aliceLeaf = alice.NewKeyPackage();
        GroupState aliceOps = GroupCreation.Create(suite, opsId, aliceLeaf.KeyPackage, aliceLeaf.Secrets, [], alice.Random);

        // bob enters #ops (his key packages are with the hub): the hub tasks alice, the only member, to add him.
        var bobKey = bob.NewKeyPackage();
        byte[] bobMls = MlsMessage.Of(bobKey.KeyPackage).Encode();
        words.Name(bobKey.KeyPackage.Reference(suite), "B1");
        var opsTarget = GroupTarget.ForRoom(Ops);
        wire.Show("GroupTask (#ops, epoch 0: add bob)", new GroupTaskRecord(opsTarget, opsId, 0, [], [new GroupTaskJoiner(bob.Digest, "bob", bobMls)]).Write(), FrameType.GroupTask,
            [.. Str8(Ops), .. opsId, .. U64(0), .. U16(0), .. bob.Digest, .. Str8("bob"), .. Entry(bobMls)],
            "target #ops, group_id G1, epoch 0, no removals; one joiner: bob's digest, name \"bob\"", $"joiner's key package: {words.KeyPackage(bobMls)}");

        CommitBuilder.TryAddMembers(aliceOps, [bobKey.KeyPackage], WorkedGroupParty.Now, out PendingCommit? addBob, out string failure, alice.Random).ShouldBeTrue(failure);
        string[] beforeAddBob = LeafNames(aliceOps, people);
        (byte[] addBobCommit, byte[] addBobWelcome) = (addBob!.Commit.Encode(), MlsMessage.Of(addBob.Welcome!).Encode());
        ShowCommit(wire, words, people, "GroupCommit (#ops: alice adds bob)", opsTarget, Str8(Ops), addBobCommit, addBobWelcome, beforeAddBob, bobKey);
        byte[] result = new byte[CommitResultRecord.SizeMax];
        int resultLength = new CommitResultRecord(opsTarget, CommitStatus.Accepted, opsId, 1).Write(result);
        wire.Show("CommitResult (#ops, accepted, epoch 1)", result[..resultLength], [.. Str8(Ops), 0, .. opsId, .. U64(1)],
            "target #ops, status 0 accepted, group_id G1, epoch 1: alice applies her commit now");
        aliceOps.Dispose();
        aliceOps = addBob.Merge();
        wire.Show("WelcomeRelay (#ops, from alice, to bob)", new WelcomeRelayRecord(opsTarget, alice.Digest, "alice", addBobWelcome).Write(), FrameType.WelcomeRelay,
            [.. Str8(Ops), .. alice.Digest, .. Str8("alice"), .. addBobWelcome],
            ["target #ops, the committer: alice's digest, name \"alice\"", $"mls: the Welcome of alice's GroupCommit above, unchanged ({Relayed(words.Welcome(addBobWelcome, bobKey.KeyPackage, bobKey.Secrets, PersonOf(people)))})"]);
        GroupState bobOps = bob.Join(addBob.Welcome!, bobKey);

        // bob writes "hi"; the hub relays it to alice, who opens it.
        byte[] hi = ApplicationMessages.Protect(bobOps, "hi"u8, random: bob.Random).Encode();
        ApplicationMessages.TryUnprotect(aliceOps, MlsMessage.Decode(hi), out byte[]? hiText, out uint hiLeaf, out failure).ShouldBeTrue(failure);
        hiLeaf.ShouldBe(1U, "bob holds leaf 1 of #ops");
        hiText.ShouldBe("hi"u8.ToArray());
        string hiWords = words.Application(hi, aliceOps.Secrets.SenderDataSecret, LeafNames(aliceOps, people), Encoding.UTF8.GetString(hiText));
        wire.Show("GroupMessage (#ops, \"hi\" from bob)", new GroupMessageRecord(opsTarget, hi).Write(), FrameType.GroupMessage, [.. Str8(Ops), .. hi],
            "target #ops", $"mls: {hiWords}");
        wire.Show("GroupRelay (#ops, bob's \"hi\", to alice)", new GroupRelayRecord(opsTarget, bob.Digest, "bob", hi).Write(), FrameType.GroupRelay,
            [.. Str8(Ops), .. bob.Digest, .. Str8("bob"), .. hi],
            "target #ops, the sender: bob's digest, name \"bob\"; mls exactly as bob sent it");

        // bob renews his keys with an empty commit; the hub accepts it and relays it to alice.
        PendingCommit update = CommitBuilder.SelfUpdate(bobOps, random: bob.Random);
        byte[] updateCommit = update.Commit.Encode();
        ShowCommit(wire, words, people, "GroupCommit (#ops: bob's empty commit)", opsTarget, Str8(Ops), updateCommit, [], LeafNames(bobOps, people), null);
        bobOps.Dispose();
        bobOps = update.Merge();
        ShowRelay(wire, words, people, "CommitRelay (#ops, bob's commit, to alice)", opsTarget, bob, updateCommit, LeafNames(aliceOps, people));
        aliceOps = alice.Process(aliceOps, updateCommit);

        // carol enters #ops: alice, longest in the group, is tasked to add her.
        var carolKey = carol.NewKeyPackage();
        byte[] carolMls = MlsMessage.Of(carolKey.KeyPackage).Encode();
        words.Name(carolKey.KeyPackage.Reference(suite), "C1");
        wire.Show("GroupTask (#ops, epoch 2: add carol)", new GroupTaskRecord(opsTarget, opsId, 2, [], [new GroupTaskJoiner(carol.Digest, "carol", carolMls)]).Write(), FrameType.GroupTask,
            [.. Str8(Ops), .. opsId, .. U64(2), .. U16(0), .. carol.Digest, .. Str8("carol"), .. Entry(carolMls)],
            "target #ops, group_id G1, epoch 2, no removals; one joiner: carol's digest, name \"carol\"", $"joiner's key package: {words.KeyPackage(carolMls)}");
        CommitBuilder.TryAddMembers(aliceOps, [carolKey.KeyPackage], WorkedGroupParty.Now, out PendingCommit? addCarol, out failure, alice.Random).ShouldBeTrue(failure);
        (byte[] addCarolCommit, byte[] addCarolWelcome) = (addCarol!.Commit.Encode(), MlsMessage.Of(addCarol.Welcome!).Encode());
        ShowCommit(wire, words, people, "GroupCommit (#ops: alice adds carol)", opsTarget, Str8(Ops), addCarolCommit, addCarolWelcome, LeafNames(aliceOps, people), carolKey);
        aliceOps.Dispose();
        aliceOps = addCarol.Merge();
        ShowRelay(wire, words, people, "CommitRelay (#ops, alice's commit, to bob)", opsTarget, alice, addCarolCommit, LeafNames(bobOps, people));
        bobOps = bob.Process(bobOps, addCarolCommit);
        wire.Show("WelcomeRelay (#ops, from alice, to carol)", new WelcomeRelayRecord(opsTarget, alice.Digest, "alice", addCarolWelcome).Write(), FrameType.WelcomeRelay,
            [.. Str8(Ops), .. alice.Digest, .. Str8("alice"), .. addCarolWelcome],
            ["target #ops, the committer: alice's digest, name \"alice\"", $"mls: the Welcome of alice's GroupCommit above, unchanged ({Relayed(words.Welcome(addCarolWelcome, carolKey.KeyPackage, carolKey.Secrets, PersonOf(people)))})"]);
        using (GroupState carolOps = carol.Join(addCarol.Welcome!, carolKey))
        {
            carolOps.EpochAuthenticator.ShouldBe(aliceOps.EpochAuthenticator);
        }

        // carol parts #ops: the hub tasks alice to remove her, and relays the commit to bob (carol, out of the room, gets none).
        wire.Show("GroupTask (#ops, epoch 3: remove carol)", new GroupTaskRecord(opsTarget, opsId, 3, [carol.Digest], []).Write(), FrameType.GroupTask,
            [.. Str8(Ops), .. opsId, .. U64(3), .. U16(1), .. carol.Digest],
            "target #ops, group_id G1, epoch 3, one removal: carol's digest; no joiners (mls empty)");
        uint carolLeaf = (uint)Array.IndexOf(LeafNames(aliceOps, people), "carol");
        CommitBuilder.TryRemoveMembers(aliceOps, [carolLeaf], out PendingCommit? removeCarol, out failure, alice.Random).ShouldBeTrue(failure);
        byte[] removeCommit = removeCarol!.Commit.Encode();
        ShowCommit(wire, words, people, "GroupCommit (#ops: alice removes carol)", opsTarget, Str8(Ops), removeCommit, [], LeafNames(aliceOps, people), null);
        aliceOps.Dispose();
        aliceOps = removeCarol.Merge();
        ShowRelay(wire, words, people, "CommitRelay (#ops, alice's commit, to bob)", opsTarget, alice, removeCommit, LeafNames(bobOps, people));
        bobOps = bob.Process(bobOps, removeCommit);
        bobOps.EpochAuthenticator.ShouldBe(aliceOps.EpochAuthenticator);
        bobOps.Epoch.ShouldBe(4UL);

        // carol starts a direct conversation with alice: the hub hands her alice's first key package.
        byte[] request = [14, .. Str8(string.Empty), .. Str8("alice"), .. Str8(string.Empty)];
        wire.Show("Request key package (carol, of the name \"alice\")", request, request, "op 14 key package, room empty, name \"alice\", text empty");
        wire.Show("KeyPackageRelay (alice's key package, to carol)", new KeyPackageRelayRecord(alice.Digest, "alice", aliceFirstMls).Write(), FrameType.KeyPackageRelay,
            [.. alice.Digest, .. Str8("alice"), .. aliceFirstMls],
            "alice's digest, name \"alice\"", $"mls: {words.KeyPackage(aliceFirstMls)}: the first of her KeyPackages");
        byte[] directId = new byte[SecureChat.Engine.Protocol.WireFormat.GroupIdSize];
        carol.Random.Fill(directId);
        words.Name(directId, "G2");
        var carolLeafKey = carol.NewKeyPackage();
        using GroupState carolDirect = GroupCreation.Create(suite, directId, carolLeafKey.KeyPackage, carolLeafKey.Secrets, [], carol.Random);
        CommitBuilder.TryAddMembers(carolDirect, [aliceFirst.KeyPackage], WorkedGroupParty.Now, out PendingCommit? direct, out failure, carol.Random).ShouldBeTrue(failure);
        (byte[] directCommit, byte[] directWelcome) = (direct!.Commit.Encode(), MlsMessage.Of(direct.Welcome!).Encode());
        var aliceTarget = GroupTarget.ForPerson(alice.Digest);
        ShowCommit(wire, words, people, "GroupCommit (direct, carol adds alice)", aliceTarget, [0, .. alice.Digest], directCommit, directWelcome, LeafNames(carolDirect, people), aliceFirst);
        using GroupState carolJoined = direct.Merge();
        using (GroupState aliceDirect = alice.Join(direct.Welcome!, aliceFirst))
        {
            aliceDirect.EpochAuthenticator.ShouldBe(carolJoined.EpochAuthenticator);
        }

        foreach (WorkedGroupParty person in people)
        {
            person.Random.ShouldBeUsedUp();
        }

        hub.ShouldBeUsedUp();
        aliceOps.Dispose();
        bobOps.Dispose();
        (string, byte[])[] values =
        [
            ("group_id of #ops (the hub's draw)", opsId), ("group_id of alice and carol's direct conversation (carol's draw)", directId),
            ("KeyPackageRef of alice's first key package", aliceFirstRef), ("KeyPackageRef of alice's last resort key package", aliceLastRef),
            ("KeyPackageRef of bob's key package", bobKey.KeyPackage.Reference(suite)), ("KeyPackageRef of carol's key package", carolKey.KeyPackage.Reference(suite)),
        ];
        return (Document(people, words, draws, wire, values), wire.Count);
    }

    /// <summary>A GroupCommit: target, then <c>u32 n || commit || welcome</c>.</summary>
    private static void ShowCommit(
        GroupWire wire,
        WorkedGroupWords words,
        WorkedGroupParty[] people,
        string label,
        GroupTarget target,
        byte[] targetField,
        byte[] commit,
        byte[] welcome,
        string[] leaves,
        (KeyPackage KeyPackage, KeyPackageSecrets Secrets)? joiner)
    {
        string[] lines = joiner is not { } added
            ? [$"target {Describe(target, people)}", $"commit ({commit.Length} bytes): {words.Commit(commit, leaves)}", "welcome: none (empty)"]
            : [$"target {Describe(target, people)}", $"commit ({commit.Length} bytes): {words.Commit(commit, leaves)}",
                .. words.Welcome(welcome, added.KeyPackage, added.Secrets, PersonOf(people)).Select((line, i) => i == 0 ? $"welcome ({welcome.Length} bytes): {line}" : line)];
        (welcome.Length == 0).ShouldBe(joiner is null);
        wire.Show(label, new GroupCommitRecord(target, commit, welcome).Write(), FrameType.GroupCommit, [.. targetField, .. Entry(commit), .. welcome], lines);
    }

    private static void ShowRelay(GroupWire wire, WorkedGroupWords words, WorkedGroupParty[] people, string label, GroupTarget target, WorkedGroupParty committer, byte[] commit, string[] leaves) =>
        wire.Show(label, new CommitRelayRecord(target, committer.Digest, committer.Name, commit).Write(), FrameType.CommitRelay,
            [.. Str8(target.Room), .. committer.Digest, .. Str8(committer.Name), .. commit],
            $"target {Describe(target, people)}, the committer: {committer.Name}'s digest, name \"{committer.Name}\"", $"mls: {words.Commit(commit, leaves)}");

    private static Func<byte[], string> PersonOf(WorkedGroupParty[] people) => identity => people.Single(p => p.PublicKey.AsSpan().SequenceEqual(identity)).Name;

    /// <summary>What a relayed Welcome is for: its new_member list, read again from the relayed bytes.</summary>
    private static string Relayed(string[] welcomeWords) => welcomeWords[0][welcomeWords[0].IndexOf("new_member", StringComparison.Ordinal)..welcomeWords[0].IndexOf(';')];

    private static string Describe(GroupTarget target, IReadOnlyList<WorkedGroupParty> people)
    {
        if (target.IsRoom)
        {
            return target.Room;
        }

        string name = people.Single(p => p.Digest.AsSpan().SequenceEqual(target.Digest)).Name;
        return $"0x00 || {name}'s digest (the direct conversation with {name})";
    }
}
