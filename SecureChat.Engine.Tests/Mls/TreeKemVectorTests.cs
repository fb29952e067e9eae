using System.Text.Json;
using SecureChat.Engine.Mls;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Mls.Tree;
using SecureChat.Engine.Tests.Support;
using static SecureChat.Engine.Tests.Mls.MlsVectorJson;

namespace SecureChat.Engine.Tests.Mls;

/// <summary>
/// The MLS working group's treekem.json (mlswg/mls-implementations, suite 1 entries). Per case: every member's
/// private state agrees with the tree; per published UpdatePath: it merges (parent hash valid) into the published
/// tree hash, and every other member decrypts the published path secret and commit secret; then a fresh UpdatePath
/// from this code, by the same committer, decrypts to the same commit secret for every other member.
/// </summary>
public sealed class TreeKemVectorTests
{
    private const string File = "mls/treekem.json";

    [Fact]
    public void Every_suite_1_update_path_merges_and_decrypts_as_published_and_a_fresh_one_reaches_every_member()
    {
        using JsonDocument doc = VectorFiles.RequireJson(File, "MLS TreeKEM");
        CipherSuite suite = CipherSuite.Suite1;
        var failures = new List<string>();
        int cases = 0, paths = 0, decryptions = 0, fresh = 0;
        foreach ((int index, JsonElement entry) in Suite1Cases(doc))
        {
            cases++;
            byte[] groupId = Hex.Bytes(entry.GetProperty("group_id").GetString()!);
            ulong epoch = entry.GetProperty("epoch").GetUInt64();
            byte[] confirmed = Hex.Bytes(entry.GetProperty("confirmed_transcript_hash").GetString()!);
            byte[] Context(byte[] treeHash) => new GroupContext(ProtocolVersion.Mls10, 1, groupId, epoch, treeHash, confirmed, []).Encode();
            RatchetTree tree = RatchetTreeCodec.Decode(Hex.Bytes(entry.GetProperty("ratchet_tree").GetString()!));

            var members = new Dictionary<uint, (TreeKemPrivateKeys Keys, byte[] SignatureKey)>();
            foreach (JsonElement leaf in entry.GetProperty("leaves_private").EnumerateArray())
            {
                uint leafIndex = leaf.GetProperty("index").GetUInt32();
                var keys = new TreeKemPrivateKeys(leafIndex, Hex.Bytes(leaf.GetProperty("encryption_priv").GetString()!));
                foreach (JsonElement secret in leaf.GetProperty("path_secrets").EnumerateArray())
                {
                    keys.SetFromPathSecret(suite, secret.GetProperty("node").GetUInt32(), Hex.Bytes(secret.GetProperty("path_secret").GetString()!));
                }

                if (!keys.ConsistentWith(suite, tree))
                {
                    failures.Add($"case {index} leaf {leafIndex}: private state does not match the tree");
                }

                members[leafIndex] = (keys, Hex.Bytes(leaf.GetProperty("signature_priv").GetString()!));
            }

            if (members.Count != tree.OccupiedLeaves().Count())
            {
                failures.Add($"case {index}: {members.Count} members with private state, {tree.OccupiedLeaves().Count()} leaves in the tree");
            }

            foreach (JsonElement update in entry.GetProperty("update_paths").EnumerateArray())
            {
                paths++;
                uint sender = update.GetProperty("sender").GetUInt32();
                string where = $"case {index} sender {sender}";
                UpdatePath path = UpdatePath.Decode(Hex.Bytes(update.GetProperty("update_path").GetString()!));
                if (!TreeKem.TryMergePath(suite, tree, sender, path, groupId, null, out RatchetTree? merged, out string failure))
                {
                    failures.Add($"{where}: merge refused: {failure}");
                    continue;
                }

                byte[] treeHash = TreeHasher.RootHash(suite, merged!);
                if (Hex.Of(treeHash) != update.GetProperty("tree_hash_after").GetString())
                {
                    failures.Add($"{where}: tree hash after differs");
                }

                if (!ParentHasher.AllParentNodesValid(suite, merged!))
                {
                    failures.Add($"{where}: the merged tree is not parent-hash valid");
                }

                JsonElement[] expectedSecrets = [.. update.GetProperty("path_secrets").EnumerateArray()];
                if (expectedSecrets.Count(e => e.ValueKind == JsonValueKind.String) != members.Count - 1)
                {
                    failures.Add($"{where}: {expectedSecrets.Length} published path secrets for {members.Count - 1} other members");
                }

                string commitSecret = update.GetProperty("commit_secret").GetString()!;
                foreach ((uint member, (TreeKemPrivateKeys keys, _)) in members)
                {
                    if (member == sender)
                    {
                        continue;
                    }

                    decryptions++;
                    using TreeKemPrivateKeys copy = keys.Clone();
                    if (!TreeKem.TryDecryptPath(suite, merged!, sender, path, null, Context(treeHash), copy, out byte[] pathSecret, out byte[] commit, out failure))
                    {
                        failures.Add($"{where} member {member}: {failure}");
                        continue;
                    }

                    if (Hex.Of(pathSecret) != expectedSecrets[member].GetString())
                    {
                        failures.Add($"{where} member {member}: path secret differs");
                    }

                    if (Hex.Of(commit) != commitSecret)
                    {
                        failures.Add($"{where} member {member}: commit secret differs");
                    }

                    if (!copy.ConsistentWith(suite, merged!))
                    {
                        failures.Add($"{where} member {member}: private state after the path does not match the tree");
                    }
                }

                fresh += FreshPathReachesEveryMember(suite, tree, sender, members, groupId, Context, where, failures);
            }

            foreach ((TreeKemPrivateKeys keys, _) in members.Values)
            {
                keys.Dispose();
            }
        }

        VectorFiles.Report($"{File}: {cases} suite-1 cases, {paths} update paths, {decryptions} published decryptions, {fresh} fresh decryptions checked; {doc.RootElement.GetArrayLength() - cases} entries of other suites skipped");
        failures.ShouldBeEmpty();
        cases.ShouldBeGreaterThan(0);
        fresh.ShouldBeGreaterThan(0);
    }

    private static int FreshPathReachesEveryMember(
        CipherSuite suite,
        RatchetTree tree,
        uint sender,
        Dictionary<uint, (TreeKemPrivateKeys Keys, byte[] SignatureKey)> members,
        byte[] groupId,
        Func<byte[], byte[]> context,
        string where,
        List<string> failures)
    {
        if (!members.TryGetValue(sender, out var committer))
        {
            failures.Add($"{where}: no private state for the committer");
            return 0;
        }

        RatchetTree committed = tree.Clone();
        using TreeKemEncapResult result = TreeKem.Encap(suite, committed, sender, groupId, committer.SignatureKey, context);
        using TreeKemPrivateKeys committerKeys = result.TakeKeys();
        if (!committerKeys.ConsistentWith(suite, committed))
        {
            failures.Add($"{where}: the committer's new keys do not match its tree");
        }

        UpdatePath path = UpdatePath.Decode(result.Path.Encode());
        int count = 0;
        foreach ((uint member, (TreeKemPrivateKeys keys, _)) in members)
        {
            if (member == sender)
            {
                continue;
            }

            if (!TreeKem.TryMergePath(suite, tree, sender, path, groupId, null, out RatchetTree? merged, out string failure))
            {
                failures.Add($"{where} member {member}: fresh path refused: {failure}");
                continue;
            }

            if (!RatchetTreeCodec.Encode(merged!).AsSpan().SequenceEqual(RatchetTreeCodec.Encode(committed)))
            {
                failures.Add($"{where} member {member}: the merged tree differs from the committer's");
            }

            using TreeKemPrivateKeys copy = keys.Clone();
            if (!TreeKem.TryDecryptPath(suite, merged!, sender, path, null, context(TreeHasher.RootHash(suite, merged!)), copy, out _, out byte[] commit, out failure))
            {
                failures.Add($"{where} member {member}: fresh path: {failure}");
                continue;
            }

            count++;
            if (!commit.AsSpan().SequenceEqual(result.CommitSecret))
            {
                failures.Add($"{where} member {member}: fresh path gives another commit secret");
            }
        }

        return count;
    }
}
