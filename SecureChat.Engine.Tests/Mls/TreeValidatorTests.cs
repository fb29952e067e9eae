using System.Text.Json;
using SecureChat.Engine.Mls;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Mls.Tree;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Mls;

/// <summary>
/// What a joiner's tree validation (RFC 9420 section 12.4.3.1) refuses: trees from tree-validation.json altered the
/// way a malicious member or a delivery service could (a planted parent key, a moved or forged leaf, unmerged
/// lists that lie), each presented with a tree hash recomputed to match, as a group member's signed GroupInfo would.
/// </summary>
public sealed class TreeValidatorTests
{
    private const int FullEightLeaves = 2;
    private const int WithUnmergedLeaves = 13;

    private static readonly CipherSuite s_suite = CipherSuite.Suite1;

    [Fact]
    public void The_unaltered_trees_validate()
    {
        foreach (int index in new[] { FullEightLeaves, WithUnmergedLeaves })
        {
            (RatchetTree tree, byte[] groupId) = Load(index);
            Validate(tree, groupId).ShouldBe("");
        }
    }

    [Fact]
    public void A_parent_key_planted_by_an_insider_is_not_parent_hash_valid()
    {
        (RatchetTree tree, byte[] groupId) = Load(FullEightLeaves);
        ParentNode original = tree.GetParent(3)!;
        (_, byte[] planted) = s_suite.DeriveKeyPair(new byte[32]);
        tree.SetParent(3, new ParentNode(planted, original.ParentHash, original.UnmergedLeaves));
        Validate(tree, groupId).ShouldBe("a parent node of the ratchet tree is not parent-hash valid");
    }

    [Fact]
    public void A_blanked_parent_breaks_the_chain_above_it()
    {
        (RatchetTree tree, byte[] groupId) = Load(FullEightLeaves);
        tree.SetParent(1, null);
        Validate(tree, groupId).ShouldBe("a parent node of the ratchet tree is not parent-hash valid");
    }

    [Fact]
    public void A_leaf_with_an_altered_signature_is_refused()
    {
        (RatchetTree tree, byte[] groupId) = Load(FullEightLeaves);
        LeafNode leaf = tree.GetLeaf(5)!;
        byte[] signature = [.. leaf.Signature];
        signature[10] ^= 1;
        tree.SetLeaf(5, leaf with { Signature = signature });
        Validate(tree, groupId).ShouldBe("the signature of leaf 5 does not verify");
    }

    [Fact]
    public void Leaves_moved_to_other_positions_or_into_another_group_are_refused()
    {
        (RatchetTree tree, byte[] groupId) = Load(FullEightLeaves);
        tree.GetLeaf(0)!.Source.ShouldBe(LeafNodeSource.Commit);
        Validate(tree, [.. groupId, 0]).ShouldBe("the signature of leaf 0 does not verify");

        LeafNode first = tree.GetLeaf(0)!;
        tree.SetLeaf(0, tree.GetLeaf(1));
        tree.SetLeaf(1, first);
        Validate(tree, groupId).ShouldBe("the signature of leaf 0 does not verify");
    }

    [Fact]
    public void Unmerged_lists_that_are_unsorted_name_a_blank_leaf_or_skip_a_node_between_are_refused()
    {
        (RatchetTree tree, byte[] groupId) = Load(WithUnmergedLeaves);
        tree.GetParent(7)!.UnmergedLeaves.ShouldBe([5u]);
        tree.GetParent(11)!.UnmergedLeaves.ShouldBe([5u]);

        RatchetTree unsorted = tree.Clone();
        unsorted.GetParent(7)!.UnmergedLeaves.Add(4);
        Validate(unsorted, groupId).ShouldBe("the unmerged leaves of node 7 are not sorted");

        RatchetTree blank = tree.Clone();
        blank.GetParent(7)!.UnmergedLeaves.Add(7);
        Validate(blank, groupId).ShouldBe("node 7 lists leaf 7 as unmerged, which is blank or not below it");

        RatchetTree notBelow = tree.Clone();
        notBelow.GetParent(11)!.UnmergedLeaves.Insert(0, 1);
        Validate(notBelow, groupId).ShouldBe("node 11 lists leaf 1 as unmerged, which is blank or not below it");

        RatchetTree skipped = tree.Clone();
        skipped.GetParent(11)!.UnmergedLeaves.Clear();
        Validate(skipped, groupId).ShouldBe("leaf 5 is unmerged at node 7 but not at node 11 below it");
    }

    [Fact]
    public void An_encryption_key_used_twice_is_refused()
    {
        (RatchetTree tree, byte[] groupId) = Load(FullEightLeaves);
        ParentNode original = tree.GetParent(5)!;
        tree.SetParent(5, new ParentNode(tree.GetParent(1)!.EncryptionKey, original.ParentHash, original.UnmergedLeaves));
        Validate(tree, groupId).ShouldBe("the encryption key of node 5 appears twice in the ratchet tree");
    }

    [Fact]
    public void A_low_order_encryption_key_anywhere_in_the_tree_is_refused()
    {
        (RatchetTree tree, byte[] groupId) = Load(WithUnmergedLeaves);
        ParentNode original = tree.GetParent(11)!;
        byte[] lowOrder = new byte[32];
        lowOrder[0] = 1;
        tree.SetParent(11, new ParentNode(lowOrder, original.ParentHash, original.UnmergedLeaves));
        Validate(tree, groupId).ShouldBe("the encryption key of node 11 is not a usable X25519 public key");
    }

    [Fact]
    public void A_tree_that_is_not_the_groups_is_refused()
    {
        (RatchetTree tree, byte[] groupId) = Load(FullEightLeaves);
        byte[] other = TreeHasher.RootHash(s_suite, tree);
        other[0] ^= 1;
        TreeValidator.TryValidate(s_suite, tree, groupId, other, out string failure).ShouldBeFalse();
        failure.ShouldBe("the ratchet tree does not match the group's tree hash");
    }

    /// <summary>The failure reason with the tree hash recomputed to match ("" when the tree validates).</summary>
    private static string Validate(RatchetTree tree, byte[] groupId)
    {
        bool valid = TreeValidator.TryValidate(s_suite, tree, groupId, TreeHasher.RootHash(s_suite, tree), out string failure);
        valid.ShouldBe(failure.Length == 0);
        return failure;
    }

    internal static (RatchetTree Tree, byte[] GroupId) Load(int index)
    {
        using JsonDocument doc = VectorFiles.RequireJson("mls/tree-validation.json", "MLS tree validation");
        JsonElement entry = doc.RootElement[index];
        entry.GetProperty("cipher_suite").GetUInt16().ShouldBe((ushort)1);
        return (RatchetTreeCodec.Decode(Hex.Bytes(entry.GetProperty("tree").GetString()!)), Hex.Bytes(entry.GetProperty("group_id").GetString()!));
    }
}
