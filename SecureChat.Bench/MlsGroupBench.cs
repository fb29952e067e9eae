using System.Diagnostics;
using System.Security.Cryptography;
using SecureChat.Engine.Mls;
using SecureChat.Engine.Mls.Group;
using SecureChat.Engine.Mls.Messages;

namespace SecureChat.Bench;

/// <summary>
/// RFC 9420 groups measured with the engine's MLS library alone (sans-I/O: no sockets, one thread). A group of
/// <see cref="MlsBenchResult.Members"/> is built the way the hub's delivery service sees it built: one member creates
/// it and commits the adds of every other member's KeyPackage (one commit, with the UpdatePath every commit here
/// carries, and one Welcome); the second member joins from that Welcome. Then, each run starting from the same
/// epoch (the pending commit is discarded, the processed state disposed): the creator sends a PrivateMessage of 100
/// bytes of text, adds one member (commit and Welcome), the second member processes that commit, the new member
/// joins from the Welcome; the creator commits an Update (an empty commit with its path) and a removal, and the
/// second member processes each. Every operation's time is the CPU time of the measuring thread
/// (<c>/proc/thread-self/schedstat</c>), so other work on the machine adds less to it than to a wall clock.
/// Same-run floors: one Ed25519 signature, one HPKE seal to an X25519 key. Not thread-safe.
/// </summary>
internal static class MlsGroupBench
{
    private const int TextSize = 100;
    private const int SendBatch = 50;

    private static readonly ulong s_now = (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    public static MlsBenchResult Measure(int members, int runs, Action<string> progress)
    {
        CipherSuite suite = CipherSuite.Suite1;
        var result = new MlsBenchResult { Members = members };
        Floors(suite, runs, result);

        (GroupState creator, Welcome welcome, var secondClient) = Build(suite, members, result, progress);
        double start = ThreadCpu.Milliseconds();
        GroupState second = Join(suite, welcome, secondClient);
        result.BuildJoinMs = ThreadCpu.Milliseconds() - start;
        Expect(second.EpochAuthenticator.AsSpan().SequenceEqual(creator.EpochAuthenticator), "the joined member derived another epoch");

        try
        {
            MeasureSend(creator, second, runs, result);
            MeasureAdd(suite, creator, second, runs, result);
            MeasureUpdate(creator, second, runs, result);
            MeasureRemove(creator, second, runs, result);
        }
        finally
        {
            creator.Dispose();
            second.Dispose();
        }

        return result;
    }

    /// <summary>
    /// Only a new member's join from the Welcome of a commit adding it to a group of <paramref name="members"/>
    /// (each run from the same epoch), for groups too large to measure everything on in the time of a run.
    /// </summary>
    public static MlsBenchResult MeasureJoin(int members, int runs, Action<string> progress)
    {
        CipherSuite suite = CipherSuite.Suite1;
        var result = new MlsBenchResult { Members = members };
        (GroupState creator, _, _) = Build(suite, members, result, progress);
        try
        {
            for (int run = -1; run < runs; run++)
            {
                var joiner = NewClient(suite, $"joiner-{run}");
                if (!CommitBuilder.TryAddMembers(creator, [joiner.KeyPackage], s_now, out PendingCommit? add, out string failure))
                {
                    throw new InvalidOperationException($"adding a member failed: {failure}");
                }

                double start = ThreadCpu.Milliseconds();
                GroupState joined = Join(suite, add!.Welcome!, joiner);
                double end = ThreadCpu.Milliseconds();
                if (run >= 0)
                {
                    result.JoinMs.Add(end - start);
                }

                result.WelcomeBytes = MlsMessage.Of(add.Welcome!).Encode().Length;
                joined.Dispose();
                add.Discard();
            }
        }
        finally
        {
            creator.Dispose();
        }

        return result;
    }

    /// <summary>
    /// The group as the delivery service sees it built: the creator commits the adds of <paramref name="members"/> - 1
    /// KeyPackages at once. Returns the creator's state, that commit's Welcome and the first added member's client.
    /// </summary>
    private static (GroupState Creator, Welcome Welcome, (KeyPackage KeyPackage, KeyPackageSecrets Secrets) Second) Build(
        CipherSuite suite, int members, MlsBenchResult result, Action<string> progress)
    {
        var creatorClient = NewClient(suite, "member-0");
        var clients = new List<(KeyPackage KeyPackage, KeyPackageSecrets Secrets)>(members - 1);
        for (int i = 1; i < members; i++)
        {
            clients.Add(NewClient(suite, $"member-{i}"));
        }

        double start = ThreadCpu.Milliseconds();
        GroupState creator = GroupCreation.Create(suite, "bench-room"u8.ToArray(), creatorClient.KeyPackage, creatorClient.Secrets, []);
        if (!CommitBuilder.TryAddMembers(creator, [.. clients.Select(c => c.KeyPackage)], s_now, out PendingCommit? build, out string failure))
        {
            throw new InvalidOperationException($"adding {members - 1} members failed: {failure}");
        }

        GroupState first = creator;
        creator = build!.Merge();
        first.Dispose();
        result.BuildMs = ThreadCpu.Milliseconds() - start;
        result.BuildWelcomeBytes = build.Welcome!.Encode().Length;
        progress($"{members} members: the creator's commit of {members - 1} adds took {result.BuildMs:F0} ms of CPU; Welcome {result.BuildWelcomeBytes:N0} bytes");
        return (creator, build.Welcome!, clients[0]);
    }

    private static void MeasureSend(GroupState creator, GroupState second, int runs, MlsBenchResult result)
    {
        byte[] text = new byte[TextSize];
        RandomNumberGenerator.Fill(text);
        for (int run = -1; run < runs; run++)
        {
            var sent = new List<MlsMessage>(SendBatch);
            double start = ThreadCpu.Milliseconds();
            for (int i = 0; i < SendBatch; i++)
            {
                sent.Add(ApplicationMessages.Protect(creator, text));
            }

            double middle = ThreadCpu.Milliseconds();
            foreach (MlsMessage message in sent)
            {
                Expect(ApplicationMessages.TryUnprotect(second, message, out byte[]? plaintext, out _, out string failure), failure);
                Expect(plaintext.AsSpan().SequenceEqual(text), "the text read differs from the text sent");
            }

            double end = ThreadCpu.Milliseconds();
            if (run >= 0)
            {
                result.SendUs.Add((middle - start) * 1000 / SendBatch);
                result.ReceiveUs.Add((end - middle) * 1000 / SendBatch);
            }

            result.PrivateMessageBytes = sent[0].Encode().Length;
        }
    }

    private static void MeasureAdd(CipherSuite suite, GroupState creator, GroupState second, int runs, MlsBenchResult result)
    {
        for (int run = -1; run < runs; run++)
        {
            var joiner = NewClient(suite, $"joiner-{run}");
            result.KeyPackageBytes = MlsMessage.Of(joiner.KeyPackage).Encode().Length;
            double start = ThreadCpu.Milliseconds();
            if (!CommitBuilder.TryAddMembers(creator, [joiner.KeyPackage], s_now, out PendingCommit? add, out string failure))
            {
                throw new InvalidOperationException($"adding a member failed: {failure}");
            }

            double created = ThreadCpu.Milliseconds();
            GroupState processed = Process(second, add!.Commit);
            double processedAt = ThreadCpu.Milliseconds();
            GroupState joined = Join(suite, add.Welcome!, joiner);
            double end = ThreadCpu.Milliseconds();
            Expect(joined.EpochAuthenticator.AsSpan().SequenceEqual(processed.EpochAuthenticator), "the new member and the second member disagree on the epoch");
            if (run >= 0)
            {
                result.AddCommitMs.Add(created - start);
                result.AddProcessMs.Add(processedAt - created);
                result.JoinMs.Add(end - processedAt);
            }

            result.AddCommitBytes = add.Commit.Encode().Length;
            result.WelcomeBytes = MlsMessage.Of(add.Welcome!).Encode().Length;
            processed.Dispose();
            joined.Dispose();
            add.Discard();
        }
    }

    private static void MeasureUpdate(GroupState creator, GroupState second, int runs, MlsBenchResult result)
    {
        for (int run = -1; run < runs; run++)
        {
            double start = ThreadCpu.Milliseconds();
            PendingCommit update = CommitBuilder.SelfUpdate(creator);
            double created = ThreadCpu.Milliseconds();
            GroupState processed = Process(second, update.Commit);
            double end = ThreadCpu.Milliseconds();
            if (run >= 0)
            {
                result.UpdateCommitMs.Add(created - start);
                result.UpdateProcessMs.Add(end - created);
            }

            result.UpdateCommitBytes = update.Commit.Encode().Length;
            result.UpdateSeals = update.Commit.PublicMessage!.Content.Commit!.Path!.Nodes.Sum(node => node.EncryptedPathSecret.Count);
            processed.Dispose();
            update.Discard();
        }
    }

    private static void MeasureRemove(GroupState creator, GroupState second, int runs, MlsBenchResult result)
    {
        uint removed = creator.Tree.LeafCount / 2;
        for (int run = -1; run < runs; run++)
        {
            double start = ThreadCpu.Milliseconds();
            if (!CommitBuilder.TryRemoveMembers(creator, [removed], out PendingCommit? remove, out string failure))
            {
                throw new InvalidOperationException($"removing a member failed: {failure}");
            }

            double created = ThreadCpu.Milliseconds();
            GroupState processed = Process(second, remove!.Commit);
            double end = ThreadCpu.Milliseconds();
            if (run >= 0)
            {
                result.RemoveCommitMs.Add(created - start);
                result.RemoveProcessMs.Add(end - created);
            }

            result.RemoveCommitBytes = remove.Commit.Encode().Length;
            processed.Dispose();
            remove.Discard();
        }
    }

    /// <summary>The primitives every figure above is made of, timed on the same thread in the same run.</summary>
    private static void Floors(CipherSuite suite, int runs, MlsBenchResult result)
    {
        (byte[] signing, _) = suite.GenerateSignatureKeyPair();
        (_, byte[] recipient) = suite.DeriveKeyPair(RandomNumberGenerator.GetBytes(suite.HashLength));
        byte[] content = new byte[200];
        for (int run = -1; run < runs; run++)
        {
            double start = ThreadCpu.Milliseconds();
            for (int i = 0; i < SendBatch; i++)
            {
                suite.SignWithLabel(signing, "FramedContentTBS", content);
            }

            double middle = ThreadCpu.Milliseconds();
            for (int i = 0; i < SendBatch; i++)
            {
                suite.EncryptWithLabel(recipient, "UpdatePathNode", content, content.AsSpan(0, 32));
            }

            double end = ThreadCpu.Milliseconds();
            if (run >= 0)
            {
                result.SignUs.Add((middle - start) * 1000 / SendBatch);
                result.HpkeSealUs.Add((end - middle) * 1000 / SendBatch);
            }
        }
    }

    private static (KeyPackage KeyPackage, KeyPackageSecrets Secrets) NewClient(CipherSuite suite, string name)
    {
        (byte[] signaturePrivate, _) = suite.GenerateSignatureKeyPair();
        return KeyPackageFactory.Create(suite, System.Text.Encoding.UTF8.GetBytes(name), signaturePrivate, s_now);
    }

    private static GroupState Join(CipherSuite suite, Welcome welcome, (KeyPackage KeyPackage, KeyPackageSecrets Secrets) client)
    {
        if (!WelcomeJoin.TryJoin(suite, welcome, client.KeyPackage, client.Secrets, null, _ => null, out GroupState? state, out string failure))
        {
            throw new InvalidOperationException($"joining from the Welcome failed: {failure}");
        }

        return state!;
    }

    private static GroupState Process(GroupState state, MlsMessage commit)
    {
        if (!CommitProcessor.TryProcess(state, commit, _ => null, s_now, out GroupState? next, out string failure))
        {
            throw new InvalidOperationException($"processing the commit failed: {failure}");
        }

        return next!;
    }

    private static void Expect(bool condition, string failure)
    {
        if (!condition)
        {
            throw new InvalidOperationException(failure);
        }
    }
}
