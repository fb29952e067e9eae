using SecureChat.Engine.Mls;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Mls.Tree;

namespace SecureChat.Engine.Tests.Mls;

/// <summary>
/// The ratchet tree's shape (RFC 9420 sections 4 and 7.7, 12.1): where leaves go, when it grows and shrinks, and the
/// resolutions and filtered direct paths of the RFC's own example trees (figures 10 and 11).
/// </summary>
public sealed class RatchetTreeTests
{
    [Fact]
    public void Adding_to_a_full_tree_doubles_it_and_takes_the_leftmost_new_leaf()
    {
        var tree = new RatchetTree(Leaf(0));
        tree.AddLeaf(Leaf(1)).ShouldBe(1u);
        tree.LeafCount.ShouldBe(2u);
        tree.AddLeaf(Leaf(2)).ShouldBe(2u);
        tree.LeafCount.ShouldBe(4u);
        tree.NodeCount.ShouldBe(7u);
        tree.IsBlank(6).ShouldBeTrue();
        tree.AddLeaf(Leaf(3)).ShouldBe(3u);
        tree.AddLeaf(Leaf(4)).ShouldBe(4u);
        tree.LeafCount.ShouldBe(8u);
    }

    [Fact]
    public void Adding_fills_the_leftmost_blank_leaf_before_growing()
    {
        RatchetTree tree = TreeOf(8);
        tree.RemoveLeaf(5);
        tree.RemoveLeaf(2);
        tree.AddLeaf(Leaf(20)).ShouldBe(2u);
        tree.AddLeaf(Leaf(50)).ShouldBe(5u);
        tree.AddLeaf(Leaf(80)).ShouldBe(8u);
        tree.LeafCount.ShouldBe(16u);
    }

    [Fact]
    public void An_added_leaf_is_unmerged_at_every_non_blank_parent_above_it_in_sorted_order()
    {
        RatchetTree tree = TreeOf(8);
        tree.RemoveLeaf(6);
        tree.RemoveLeaf(4);
        tree.SetParent(7, Parent(107, 5));
        tree.SetParent(11, Parent(111));
        tree.AddLeaf(Leaf(40)).ShouldBe(4u);
        tree.GetParent(7)!.UnmergedLeaves.ShouldBe([4u, 5u]);
        tree.GetParent(11)!.UnmergedLeaves.ShouldBe([4u]);
        tree.IsBlank(9).ShouldBeTrue();
        tree.AddLeaf(Leaf(60)).ShouldBe(6u);
        tree.GetParent(7)!.UnmergedLeaves.ShouldBe([4u, 5u, 6u]);
        tree.GetParent(11)!.UnmergedLeaves.ShouldBe([4u, 6u]);
    }

    [Fact]
    public void Removing_blanks_the_direct_path_and_truncates_only_while_the_right_half_is_empty()
    {
        RatchetTree tree = TreeOf(8);
        tree.SetParent(3, Parent(103));
        tree.SetParent(7, Parent(107));
        tree.SetParent(11, Parent(111));
        tree.RemoveLeaf(7);
        tree.RemoveLeaf(6);
        tree.LeafCount.ShouldBe(8u);
        tree.GetParent(7).ShouldBeNull();
        tree.GetParent(11).ShouldBeNull();
        tree.GetParent(3).ShouldNotBeNull();
        tree.RemoveLeaf(4);
        tree.LeafCount.ShouldBe(8u);
        tree.RemoveLeaf(5);
        tree.LeafCount.ShouldBe(4u);
        tree.RemoveLeaf(1);
        tree.RemoveLeaf(3);
        tree.LeafCount.ShouldBe(4u);
        tree.RemoveLeaf(2);
        tree.LeafCount.ShouldBe(1u);
        tree.GetLeaf(0).ShouldNotBeNull();
    }

    [Fact]
    public void Resolutions_follow_the_rfc_example_with_blanks_and_unmerged_leaves()
    {
        // RFC 9420 figure 10: X[B] at node 3, Y at node 9; leaves 2 and 6 blank.
        RatchetTree tree = TreeOf(8);
        tree.RemoveLeaf(2);
        tree.RemoveLeaf(6);
        tree.SetParent(3, Parent(103, 1));
        tree.SetParent(9, Parent(109));
        tree.Resolution(3).ShouldBe([3u, 2u]);
        tree.Resolution(4).ShouldBeEmpty();
        tree.Resolution(12).ShouldBeEmpty();
        tree.Resolution(7).ShouldBe([3u, 2u, 9u, 14u]);
        tree.Resolution(7, new HashSet<uint> { 1, 7 }).ShouldBe([3u, 9u]);
    }

    [Fact]
    public void Filtered_direct_paths_follow_the_rfc_example_of_a_five_member_tree()
    {
        // RFC 9420 figure 11: T(1), X(9), Y(11), W(7) set; U(3), V(5), Z(13) blank; leaves 2, 3 and 7 blank.
        RatchetTree tree = TreeOf(8);
        foreach (uint leaf in new uint[] { 2, 3, 7 })
        {
            tree.RemoveLeaf(leaf);
        }

        foreach (uint node in new uint[] { 1, 7, 9, 11 })
        {
            tree.SetParent(node, Parent(100 + (int)node));
        }

        Nodes(tree.FilteredDirectPath(0)).ShouldBe([1u, 7u]);
        Nodes(tree.FilteredDirectPath(1)).ShouldBe([1u, 7u]);
        Nodes(tree.FilteredDirectPath(4)).ShouldBe([9u, 11u, 7u]);
        Nodes(tree.FilteredDirectPath(5)).ShouldBe([9u, 11u, 7u]);
        Nodes(tree.FilteredDirectPath(6)).ShouldBe([11u, 7u]);
        tree.FilteredDirectPath(6).Select(p => p.CopathChild).ShouldBe([9u, 3u]);
    }

    [Fact]
    public void A_clone_changes_independently_of_its_original()
    {
        RatchetTree tree = TreeOf(4);
        tree.RemoveLeaf(3);
        tree.SetParent(3, Parent(103));
        RatchetTree copy = tree.Clone();
        copy.AddLeaf(Leaf(9)).ShouldBe(3u);
        copy.GetParent(3)!.UnmergedLeaves.ShouldBe([3u]);
        copy.RemoveLeaf(1);
        copy.GetParent(3).ShouldBeNull();
        tree.GetParent(3)!.UnmergedLeaves.ShouldBeEmpty();
        tree.GetLeaf(3).ShouldBeNull();
        tree.GetLeaf(1).ShouldNotBeNull();
    }

    /// <summary>A leaf whose encryption key is a real X25519 key derived from <paramref name="id"/> (the same each time); its signature is a placeholder.</summary>
    internal static LeafNode Leaf(int id) => new(
        CipherSuite.Suite1.DeriveKeyPair([(byte)id, 0xEE]).PublicKey,
        [(byte)id, 0x55],
        Credential.Basic([(byte)id]),
        new Capabilities([1], [1], [], [], [1]),
        LeafNodeSource.Update,
        null,
        null,
        [],
        [0x51]);

    internal static ParentNode Parent(int id, params uint[] unmerged) => new([(byte)id, 0xDD], [], [.. unmerged]);

    /// <summary>A tree of <paramref name="members"/> leaves (a power of two) with every parent blank.</summary>
    internal static RatchetTree TreeOf(int members)
    {
        var tree = new RatchetTree(Leaf(0));
        for (int i = 1; i < members; i++)
        {
            tree.AddLeaf(Leaf(i));
        }

        return tree;
    }

    private static uint[] Nodes(List<(uint Node, uint CopathChild)> path) => [.. path.Select(p => p.Node)];
}
