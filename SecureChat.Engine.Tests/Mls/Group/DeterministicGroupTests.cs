using SecureChat.Engine.Mls;
using SecureChat.Engine.Mls.Group;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Mls.Group;

/// <summary>
/// Every random draw of the MLS code (signature and key package keys, a new group's init secret, TreeKEM's leaf key
/// and path secret, HPKE's ephemeral keys in the path and the Welcome, the reuse guard of a PrivateMessage) comes
/// from the random source its caller passes, so a test with a fixed source gets the same bytes every run.
/// </summary>
public sealed class DeterministicGroupTests(ITestOutputHelper output)
{
    private const ulong Now = 1_796_601_600; // 2026-12-07T00:00:00Z

    [Fact]
    public void A_group_lifecycle_run_twice_on_one_seeded_source_gives_the_same_bytes_every_time()
    {
        var first = new SeededRandom(1);
        var second = new SeededRandom(1);
        List<byte[]> a = Lifecycle(first);
        List<byte[]> b = Lifecycle(second);

        first.Draws.ShouldBeGreaterThan(0);
        second.Draws.ShouldBe(first.Draws);
        b.Count.ShouldBe(a.Count);
        for (int i = 0; i < a.Count; i++)
        {
            b[i].ShouldBe(a[i], $"output {i} differs between two runs on the same seed");
        }

        output.WriteLine($"{a.Count} outputs ({a.Sum(x => x.Length):N0} bytes) equal over two runs; {first.Draws} draws, {first.BytesDrawn:N0} random bytes, all from the given source");
    }

    [Fact]
    public void Every_output_of_the_lifecycle_that_holds_a_random_value_changes_with_the_seed()
    {
        List<byte[]> a = Lifecycle(new SeededRandom(1));
        List<byte[]> b = Lifecycle(new SeededRandom(2));

        b.Count.ShouldBe(a.Count);
        for (int i = 0; i < a.Count; i++)
        {
            b[i].ShouldNotBe(a[i], $"output {i} ignored the random source");
        }
    }

    /// <summary>
    /// Three clients: signature keys and key packages, alice founds the group, adds bob and carol, sends a message,
    /// bob updates (public and private), alice removes carol. Every output that carries a random value, in order.
    /// </summary>
    private static List<byte[]> Lifecycle(SeededRandom random)
    {
        CipherSuite suite = CipherSuite.Suite1;
        var outputs = new List<byte[]>();
        var clients = new List<(KeyPackage KeyPackage, KeyPackageSecrets Secrets)>();
        foreach (string name in new[] { "alice", "bob", "carol" })
        {
            (byte[] signaturePrivate, byte[] signaturePublic) = suite.GenerateSignatureKeyPair(random);
            outputs.Add(signaturePublic);
            var client = KeyPackageFactory.Create(suite, signaturePublic, signaturePrivate, Now, random);
            outputs.Add(MlsMessage.Of(client.KeyPackage).Encode());
            clients.Add(client);
        }

        using GroupState founded = GroupCreation.Create(suite, "deterministic"u8.ToArray(), clients[0].KeyPackage, clients[0].Secrets, [], random);
        outputs.Add(founded.Secrets.EpochAuthenticator.ToArray());
        CommitBuilder.TryAddMembers(founded, [clients[1].KeyPackage, clients[2].KeyPackage], Now, out PendingCommit? add, out string failure, random).ShouldBeTrue(failure);
        outputs.Add(add!.Commit.Encode());
        outputs.Add(MlsMessage.Of(add.Welcome!).Encode());
        GroupState alice = add.Merge();
        GroupState bob = GroupMembers.Join(add.Welcome!, clients[1]);
        GroupState carol = GroupMembers.Join(add.Welcome!, clients[2]);

        MlsMessage hello = ApplicationMessages.Protect(alice, "hi"u8, random: random);
        outputs.Add(hello.Encode());
        ApplicationMessages.TryUnprotect(bob, hello, out byte[]? text, out _, out failure).ShouldBeTrue(failure);
        text.ShouldBe("hi"u8.ToArray());

        foreach (WireFormat format in new[] { WireFormat.PublicMessage, WireFormat.PrivateMessage })
        {
            PendingCommit update = CommitBuilder.SelfUpdate(bob, format, random);
            outputs.Add(update.Commit.Encode());
            alice = Process(alice, update.Commit);
            carol = Process(carol, update.Commit);
            bob.Dispose();
            bob = update.Merge();
        }

        CommitBuilder.TryRemoveMembers(alice, [2], out PendingCommit? remove, out failure, random).ShouldBeTrue(failure);
        outputs.Add(remove!.Commit.Encode());
        bob = Process(bob, remove.Commit);
        using GroupState last = remove.Merge();
        last.Secrets.EpochAuthenticator.ShouldBe(bob.Secrets.EpochAuthenticator);
        alice.Dispose();
        bob.Dispose();
        carol.Dispose();
        return outputs;
    }

    private static GroupState Process(GroupState state, MlsMessage commit)
    {
        CommitProcessor.TryProcess(state, commit, _ => null, Now, out GroupState? next, out string failure).ShouldBeTrue(failure);
        state.Dispose();
        return next!;
    }
}
