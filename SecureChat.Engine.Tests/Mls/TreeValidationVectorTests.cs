using System.Text.Json;
using SecureChat.Engine.Mls;
using SecureChat.Engine.Mls.Tree;
using SecureChat.Engine.Tests.Support;
using static SecureChat.Engine.Tests.Mls.MlsVectorJson;

namespace SecureChat.Engine.Tests.Mls;

/// <summary>
/// The MLS working group's tree-validation.json (mlswg/mls-implementations, suite 1 entries): per node, the
/// resolution and the tree hash; per tree, parent-hash validity and every leaf's signature with the group id.
/// </summary>
public sealed class TreeValidationVectorTests
{
    private const string File = "mls/tree-validation.json";

    [Fact]
    public void Every_suite_1_tree_has_the_published_resolutions_and_tree_hashes_and_validates_as_a_joiner_would()
    {
        using JsonDocument doc = VectorFiles.RequireJson(File, "MLS tree validation");
        CipherSuite suite = CipherSuite.Suite1;
        var failures = new List<string>();
        int cases = 0, nodes = 0, maxLeaves = 0;
        foreach ((int index, JsonElement entry) in Suite1Cases(doc))
        {
            cases++;
            byte[] encoded = Hex.Bytes(entry.GetProperty("tree").GetString()!);
            byte[] groupId = Hex.Bytes(entry.GetProperty("group_id").GetString()!);
            RatchetTree tree = RatchetTreeCodec.Decode(encoded);
            maxLeaves = Math.Max(maxLeaves, (int)tree.LeafCount);
            if (!RatchetTreeCodec.Encode(tree).AsSpan().SequenceEqual(encoded))
            {
                failures.Add($"case {index}: the tree does not re-encode to its own bytes");
            }

            JsonElement[] resolutions = [.. entry.GetProperty("resolutions").EnumerateArray()];
            JsonElement[] treeHashes = [.. entry.GetProperty("tree_hashes").EnumerateArray()];
            if (resolutions.Length != tree.NodeCount || treeHashes.Length != tree.NodeCount)
            {
                failures.Add($"case {index}: {tree.NodeCount} nodes, {resolutions.Length} resolutions and {treeHashes.Length} tree hashes published");
                continue;
            }

            byte[][] hashes = TreeHasher.AllHashes(suite, tree);
            for (uint node = 0; node < tree.NodeCount; node++)
            {
                nodes++;
                uint[] expected = [.. resolutions[node].EnumerateArray().Select(e => e.GetUInt32())];
                List<uint> actual = tree.Resolution(node);
                if (!actual.SequenceEqual(expected))
                {
                    failures.Add($"case {index} node {node}: resolution [{string.Join(",", actual)}], published [{string.Join(",", expected)}]");
                }

                if (Hex.Of(hashes[node]) != treeHashes[node].GetString())
                {
                    failures.Add($"case {index} node {node}: tree hash differs");
                }
            }

            if (!ParentHasher.AllParentNodesValid(suite, tree))
            {
                failures.Add($"case {index}: parent hashes refused");
            }

            foreach (uint leaf in tree.OccupiedLeaves())
            {
                if (!tree.GetLeaf(leaf)!.VerifySignature(suite, groupId, leaf))
                {
                    failures.Add($"case {index} leaf {leaf}: signature refused");
                }
            }

            if (!TreeValidator.TryValidate(suite, tree, groupId, hashes[tree.Root], out string failure))
            {
                failures.Add($"case {index}: refused as a whole: {failure}");
            }
        }

        VectorFiles.Report($"{File}: {cases} suite-1 trees ({nodes} nodes, up to {maxLeaves} leaves) checked, {doc.RootElement.GetArrayLength() - cases} entries of other suites skipped");
        failures.ShouldBeEmpty();
        cases.ShouldBeGreaterThan(0);
    }
}
