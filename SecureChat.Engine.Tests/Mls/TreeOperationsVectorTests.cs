using System.Text.Json;
using SecureChat.Engine.Mls;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Mls.Tree;
using SecureChat.Engine.Tests.Support;
using static SecureChat.Engine.Tests.Mls.MlsVectorJson;

namespace SecureChat.Engine.Tests.Mls;

/// <summary>
/// The MLS working group's tree-operations.json (mlswg/mls-implementations, suite 1 entries): one Add, Update or
/// Remove proposal applied to a tree gives the published tree, byte for byte, and its tree hash.
/// </summary>
public sealed class TreeOperationsVectorTests
{
    private const string File = "mls/tree-operations.json";

    [Fact]
    public void Every_suite_1_proposal_applied_to_its_tree_gives_the_published_tree_and_tree_hash()
    {
        using JsonDocument doc = VectorFiles.RequireJson(File, "MLS tree operations");
        CipherSuite suite = CipherSuite.Suite1;
        var failures = new List<string>();
        var kinds = new List<string>();
        int cases = 0;
        foreach ((int index, JsonElement entry) in Suite1Cases(doc))
        {
            cases++;
            RatchetTree before = RatchetTreeCodec.Decode(Hex.Bytes(entry.GetProperty("tree_before").GetString()!));
            Proposal proposal = Proposal.Decode(Hex.Bytes(entry.GetProperty("proposal").GetString()!));
            uint sender = entry.GetProperty("proposal_sender").GetUInt32();
            kinds.Add(proposal.Type.ToString());
            if (Hex.Of(TreeHasher.RootHash(suite, before)) != entry.GetProperty("tree_hash_before").GetString())
            {
                failures.Add($"case {index}: tree hash before differs");
            }

            if (!TreeProposals.TryApply(before, [(proposal, sender)], out RatchetTree? after, out _, out string failure))
            {
                failures.Add($"case {index}: {proposal.Type} refused: {failure}");
                continue;
            }

            if (Hex.Of(RatchetTreeCodec.Encode(after!)) != entry.GetProperty("tree_after").GetString())
            {
                failures.Add($"case {index}: {proposal.Type} gives another tree");
            }

            if (Hex.Of(TreeHasher.RootHash(suite, after!)) != entry.GetProperty("tree_hash_after").GetString())
            {
                failures.Add($"case {index}: {proposal.Type} gives another tree hash");
            }

            if (Hex.Of(TreeHasher.RootHash(suite, before)) != entry.GetProperty("tree_hash_before").GetString())
            {
                failures.Add($"case {index}: applying {proposal.Type} changed the original tree");
            }
        }

        VectorFiles.Report($"{File}: {cases} suite-1 cases ({string.Join(", ", kinds)}) checked, {doc.RootElement.GetArrayLength() - cases} entries of other suites skipped");
        failures.ShouldBeEmpty();
        cases.ShouldBeGreaterThan(0);
    }
}
