using System.Text.Json;
using SecureChat.Engine.Mls;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Mls;

/// <summary>The MLS working group's tree-math.json (RFC 9420 section 4.1, Appendix C), and the path functions built on it.</summary>
public sealed class TreeMathVectorTests
{
    [Fact]
    public void Every_published_tree_has_the_published_width_root_children_parents_and_siblings()
    {
        using JsonDocument doc = VectorFiles.RequireJson("mls/tree-math.json", "MLS tree math");
        int trees = 0;
        int nodes = 0;
        foreach (JsonElement tree in doc.RootElement.EnumerateArray())
        {
            uint n = tree.GetProperty("n_leaves").GetUInt32();
            TreeMath.NodeWidth(n).ShouldBe(tree.GetProperty("n_nodes").GetUInt32(), $"{n} leaves: width");
            TreeMath.Root(n).ShouldBe(tree.GetProperty("root").GetUInt32(), $"{n} leaves: root");
            uint width = TreeMath.NodeWidth(n);
            for (uint x = 0; x < width; x++)
            {
                Check(tree, "left", x, n, () => TreeMath.Left(x));
                Check(tree, "right", x, n, () => TreeMath.Right(x));
                Check(tree, "parent", x, n, () => TreeMath.Parent(x, n));
                Check(tree, "sibling", x, n, () => TreeMath.Sibling(x, n));
                nodes++;
            }

            trees++;
        }

        trees.ShouldBeGreaterThan(0);
        VectorFiles.Report($"tree-math.json: {trees} trees, {nodes} nodes checked");
    }

    [Fact]
    public void Direct_path_copath_and_common_ancestor_agree_with_their_definitions_in_every_tree_up_to_64_leaves()
    {
        for (uint n = 1; n <= 64; n *= 2)
        {
            uint root = TreeMath.Root(n);
            for (uint x = 0; x < TreeMath.NodeWidth(n); x++)
            {
                List<uint> path = TreeMath.DirectPath(x, n);
                List<uint> copath = TreeMath.Copath(x, n);
                path.Count.ShouldBe(x == root ? 0 : TreeMath.Level(root) - TreeMath.Level(x), $"n={n} x={x}");
                copath.Count.ShouldBe(path.Count);
                uint child = x;
                for (int i = 0; i < path.Count; i++)
                {
                    path[i].ShouldBe(TreeMath.Parent(child, n));
                    copath[i].ShouldBe(TreeMath.Sibling(child, n));
                    child = path[i];
                }

                for (uint y = 0; y < TreeMath.NodeWidth(n); y++)
                {
                    List<uint> ancestorsOfX = [x, .. path];
                    List<uint> ancestorsOfY = [y, .. TreeMath.DirectPath(y, n)];
                    uint expected = ancestorsOfX.First(ancestorsOfY.Contains);
                    TreeMath.CommonAncestor(x, y).ShouldBe(expected, $"n={n} common ancestor of {x} and {y}");
                }
            }
        }
    }

    [Fact]
    public void The_published_four_leaf_tree_of_section_4_1_has_the_paths_the_rfc_draws()
    {
        // Section 4.1: in a four-leaf tree, leaf A (node 0) has direct path 1, 3 and copath 2, 5.
        TreeMath.DirectPath(0, 4).ShouldBe([1u, 3u]);
        TreeMath.Copath(0, 4).ShouldBe([2u, 5u]);
        TreeMath.DirectPath(3, 4).ShouldBeEmpty();
        TreeMath.LeafToNode(3).ShouldBe(6u);
        TreeMath.NodeToLeaf(6).ShouldBe(3u);
    }

    [Theory]
    [InlineData(3u)]
    [InlineData(6u)]
    [InlineData(0u)]
    public void A_leaf_count_that_is_not_a_power_of_two_is_refused(uint leafCount)
    {
        Should.Throw<ArgumentException>(() => TreeMath.Root(leafCount));
    }

    [Fact]
    public void A_node_outside_the_tree_or_the_roots_parent_is_refused()
    {
        Should.Throw<ArgumentException>(() => TreeMath.Parent(7, 4));
        Should.Throw<ArgumentException>(() => TreeMath.Parent(3, 4));
        Should.Throw<ArgumentException>(() => TreeMath.Left(2));
        Should.Throw<ArgumentException>(() => TreeMath.DirectPath(9, 4));
    }

    private static void Check(JsonElement tree, string name, uint x, uint n, Func<uint> compute)
    {
        JsonElement expected = tree.GetProperty(name)[(int)x];
        if (expected.ValueKind == JsonValueKind.Null)
        {
            Should.Throw<ArgumentException>(() => compute(), $"{n} leaves: {name}({x}) should not exist");
        }
        else
        {
            compute().ShouldBe(expected.GetUInt32(), $"{n} leaves: {name}({x})");
        }
    }
}
