using SecureChat.Engine.Crypto;
using SecureChat.Engine.Groups;
using SecureChat.Engine.Identity;
using SecureChat.Engine.Mls;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Tests.Groups;
using SecureChat.Engine.Tests.Support;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Transport;

/// <summary>
/// A member's group book on a real loopback link (<see cref="MemberGroupLink"/>): its key packages, commit and texts
/// reach the hub's side as v4 records, and the hub's task, result and relays reach the book, so two members read
/// each other through MLS while the hub's side sees only ciphertext.
/// </summary>
public sealed class MemberGroupLinkTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_book_on_a_link_founds_a_room_adds_a_member_from_the_hubs_task_and_exchanges_texts_the_hub_cannot_read()
    {
        await using LinkPair pair = await LinkPair.EstablishedAsync(new ChatOptions(), new ChatOptions());
        var hub = new GroupRecordRecorder();
        pair.Server.HubRecords = hub;
        var clock = new GroupClock();
        (byte[] seed, byte[] publicKey) = CipherSuite.Suite1.GenerateSignatureKeyPair();
        byte[] aliceDigest = IdentityFingerprint.IdentityDigest(publicKey);
        var texts = new List<GroupTextReceived>();
        await using var alice = new MemberGroupLink(outbox => new GroupBook(publicKey, seed, clock, outbox));
        alice.Book.TextReceived += text => { lock (texts) { texts.Add(text); } };
        alice.Attach(pair.Client);
        using var bob = new BookMember("bob", clock);
        bob.Book.LinkSecured();
        bob.Take<KeyPackagesRecord>();
        var room = GroupTarget.ForRoom("#room");

        alice.Use(book => book.LinkSecured());
        await Eventually.True(() => hub.Of<KeyPackagesRecord>().Count == 1, "the hub to get alice's key packages");
        hub.Of<KeyPackagesRecord>()[0].KeyPackages.Count.ShouldBe(9);

        byte[] groupId = new byte[16];
        Random.Shared.NextBytes(groupId);
        alice.Use(book => book.RoomEntered("#room", founder: true, groupId));
        bob.Book.RoomEntered("#room", founder: false, groupId);
        bob.Book.MemberAnnounced("#room", aliceDigest);
        alice.Use(book => book.MemberAnnounced("#room", bob.Digest));
        pair.Server.TrySendGroup(g => g.SendGroupTask(room, groupId, 0, [], [new GroupTaskJoiner(bob.Digest, bob.Name, bob.KeyPackagesAtHub.Dequeue())])).ShouldBeTrue();
        await Eventually.True(() => hub.Of<GroupCommitRecord>().Count == 1, "the hub to get alice's commit");
        GroupCommitRecord commit = hub.Of<GroupCommitRecord>()[0];
        alice.Use(book => book.StatusOf(room)).ShouldBe(MemberGroupStatus.Committing);
        alice.Use(book => book.SendText(room, "sent while bob joins")).ShouldBe(MemberGroupStatus.Committing);

        pair.Server.TrySendGroup(g => g.SendCommitResult(room, CommitStatus.Accepted, groupId, 1)).ShouldBeTrue();
        bob.Book.WelcomeRelay(new WelcomeRelayRecord(room, aliceDigest, "alice", commit.Welcome));
        await Eventually.True(() => alice.Use(book => book.StatusOf(room)) == MemberGroupStatus.Member, "alice to apply her accepted commit");
        alice.Use(book => book.SendText(room, "hello bob"));
        await Eventually.True(() => hub.Of<GroupMessageRecord>().Count == 2, "the hub to get alice's two texts");

        foreach (GroupMessageRecord message in hub.Of<GroupMessageRecord>())
        {
            message.Mls.AsSpan().IndexOf("bob"u8).ShouldBe(-1);
            bob.Book.GroupRelay(new GroupRelayRecord(room, aliceDigest, "alice", message.Mls));
        }

        bob.Texts.Select(t => t.Text).ShouldBe(["sent while bob joins", "hello bob"]);
        bob.Book.SendText(room, "hi alice");
        GroupMessageRecord fromBob = bob.TakeOne<GroupMessageRecord>();
        pair.Server.TrySendGroup(g => g.SendGroupRelay(room, bob.Digest, bob.Name, fromBob.Mls)).ShouldBeTrue();
        await Eventually.True(() => { lock (texts) { return texts.Count == 1; } }, "alice to read bob's text");
        texts[0].Text.ShouldBe("hi alice");
        texts[0].SenderDigest.ShouldBe(bob.Digest);
        output.WriteLine($"alice sent {pair.Client.RecordsSent} records; the hub got {hub.Received.Count} group records");
    }

    [Fact]
    public async Task A_clients_book_signs_with_its_identity_key_and_a_new_book_on_the_same_config_directory_resumes_its_groups()
    {
        using var config = new TempDirectory();
        ConfigDirectory directory = ConfigDirectory.OpenPath(config.Path);
        using IdentityKey identity = IdentityKey.LoadOrCreate(directory);
        await using LinkPair pair = await LinkPair.EstablishedAsync(new ChatOptions(), new ChatOptions());
        var hub = new GroupRecordRecorder();
        pair.Server.HubRecords = hub;
        var notices = new List<GroupNotice>();
        var room = GroupTarget.ForRoom("#room");
        byte[] authenticator;
        await using (MemberGroupLink first = MemberGroupLink.ForIdentity(identity, directory, TimeProvider.System, notices.Add))
        {
            first.Attach(pair.Client);
            first.Use(book => book.LinkSecured());
            await Eventually.True(() => hub.Of<KeyPackagesRecord>().Count == 1, "the hub to get the key packages");
            foreach (byte[] encoded in hub.Of<KeyPackagesRecord>()[0].KeyPackages)
            {
                KeyPackage keyPackage = MlsMessage.Decode(encoded).KeyPackage!;
                keyPackage.LeafNode.Credential.Identity.ShouldBe(identity.PublicKey);
                keyPackage.LeafNode.SignatureKey.ShouldBe(identity.PublicKey);
            }

            first.Use(book => book.RoomEntered("#room", founder: true, new byte[16]));
            authenticator = first.Use(book => book.StateOf(room)!.EpochAuthenticator.ToArray());
        }

        notices.ShouldHaveSingleItem().Kind.ShouldBe(GroupNoticeKind.Joined);
        notices.Clear();

        await using MemberGroupLink second = MemberGroupLink.ForIdentity(identity, directory, TimeProvider.System, notices.Add);
        notices.ShouldBeEmpty();
        second.Use(book => book.StatusOf(room)).ShouldBe(MemberGroupStatus.Member);
        second.Use(book => book.StateOf(room)!.EpochAuthenticator).ShouldBe(authenticator);
        second.Use(book => book.KeyPackages.Kept.Count).ShouldBe(9);
        output.WriteLine($"groups/ holds {Directory.GetFiles(Path.Combine(config.Path, GroupFiles.DirectoryName)).Length} files");
    }

    [Fact]
    public async Task Texts_waiting_in_a_group_not_yet_usable_count_toward_the_send_limit_and_a_wait_ends_when_they_go()
    {
        (byte[] seed, byte[] publicKey) = CipherSuite.Suite1.GenerateSignatureKeyPair();
        await using var member = new MemberGroupLink(outbox => new GroupBook(publicKey, seed, new GroupClock(), outbox), sendLimit: 8 * 1024);
        member.Use(book => book.RoomEntered("#room", founder: false, new byte[16])); // awaiting its Welcome: texts wait in the book
        string text = new('w', 1000);
        int queued = 0;
        while (member.WaitForRoomAsync(CancellationToken.None) is { IsCompleted: true })
        {
            queued.ShouldBeLessThan(8, "texts of 1,000 bytes waiting in the book never counted toward an 8 KiB limit");
            member.Use(book => book.SendText(GroupTarget.ForRoom("#room"), text));
            queued++;
        }

        queued.ShouldBeGreaterThanOrEqualTo(4, "no wait before the limit is unsent");
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Task waiting = member.WaitForRoomAsync(cancel.Token).AsTask();
        waiting.IsCompleted.ShouldBeFalse();

        member.Use(book => book.OwnLeftRoom("#room")); // its texts are dropped with the room
        await waiting;
    }
}
