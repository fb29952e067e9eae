using System.Numerics;

namespace SecureChat.Engine.Mls;

/// <summary>
/// Array arithmetic of the left-balanced binary tree of RFC 9420 section 4.1 and Appendix C: nodes are numbered in
/// order, leaves at even indices (leaf i is node 2i), a parent at level k has odd index with k trailing one bits. An
/// MLS tree always has a power-of-two number of leaves (section 7.7), so every function that takes a leaf count
/// requires one, and a node outside the tree is refused: these are caller errors (<see cref="ArgumentException"/>),
/// since a peer's indices are checked against the tree before they reach here. Stateless and thread-safe.
/// </summary>
internal static class TreeMath
{
    /// <summary>The largest leaf count accepted, so that every node index fits in a uint (2^31 leaves, 2^32 - 1 nodes).</summary>
    public const uint LeafCountMax = 1u << 31;

    public static bool IsLeaf(uint node) => (node & 1) == 0;

    public static uint LeafToNode(uint leaf)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(leaf, LeafCountMax);
        return leaf * 2;
    }

    public static uint NodeToLeaf(uint node)
    {
        if (!IsLeaf(node))
        {
            throw new ArgumentException($"node {node} is not a leaf", nameof(node));
        }

        return node / 2;
    }

    /// <summary>The level of a node: 0 for leaves, k for a parent with k trailing one bits.</summary>
    public static int Level(uint node) => BitOperations.TrailingZeroCount(~node);

    /// <summary>The number of nodes of a tree with <paramref name="leafCount"/> leaves: 2n - 1 (0 for an empty tree).</summary>
    public static uint NodeWidth(uint leafCount)
    {
        RequireLeafCount(leafCount, allowZero: true);
        return leafCount == 0 ? 0 : (2 * leafCount) - 1;
    }

    /// <summary>The root of a tree with <paramref name="leafCount"/> leaves (a power of two): node leafCount - 1.</summary>
    public static uint Root(uint leafCount)
    {
        RequireLeafCount(leafCount, allowZero: false);
        return leafCount - 1;
    }

    public static uint Left(uint node)
    {
        int k = RequireParent(node);
        return node ^ (1u << (k - 1));
    }

    public static uint Right(uint node)
    {
        int k = RequireParent(node);
        return node ^ (3u << (k - 1));
    }

    /// <summary>The parent of a non-root node of a tree with <paramref name="leafCount"/> leaves.</summary>
    public static uint Parent(uint node, uint leafCount)
    {
        RequireInTree(node, leafCount);
        if (node == Root(leafCount))
        {
            throw new ArgumentException($"node {node} is the root of a tree of {leafCount} leaves and has no parent", nameof(node));
        }

        int k = Level(node);
        uint b = (node >> (k + 1)) & 1;
        return (node | (1u << k)) ^ (b << (k + 1));
    }

    public static uint Sibling(uint node, uint leafCount)
    {
        uint parent = Parent(node, leafCount);
        return node < parent ? Right(parent) : Left(parent);
    }

    /// <summary>The direct path (section 4.1): the node's ancestors from its parent up to and including the root; empty for the root.</summary>
    public static List<uint> DirectPath(uint node, uint leafCount)
    {
        RequireInTree(node, leafCount);
        uint root = Root(leafCount);
        List<uint> path = [];
        while (node != root)
        {
            node = Parent(node, leafCount);
            path.Add(node);
        }

        return path;
    }

    /// <summary>The copath (section 4.1): the sibling of the node, then the sibling of each node of its direct path but the root.</summary>
    public static List<uint> Copath(uint node, uint leafCount)
    {
        RequireInTree(node, leafCount);
        uint root = Root(leafCount);
        List<uint> copath = [];
        while (node != root)
        {
            copath.Add(Sibling(node, leafCount));
            node = Parent(node, leafCount);
        }

        return copath;
    }

    /// <summary>The lowest common ancestor of two nodes (Appendix C); a node is its own ancestor.</summary>
    public static uint CommonAncestor(uint a, uint b)
    {
        int la = Level(a) + 1;
        int lb = Level(b) + 1;
        if (la <= lb && (a >> lb) == (b >> lb))
        {
            return b;
        }

        if (lb <= la && (a >> la) == (b >> la))
        {
            return a;
        }

        int k = 0;
        while (a != b)
        {
            a >>= 1;
            b >>= 1;
            k++;
        }

        return (a << k) + (1u << (k - 1)) - 1;
    }

    /// <summary>The first and last node index of the subtree under <paramref name="node"/>.</summary>
    public static (uint First, uint Last) Span(uint node)
    {
        uint half = (1u << Level(node)) - 1;
        return (node - half, node + half);
    }

    /// <summary>Whether <paramref name="descendant"/> lies in the subtree under <paramref name="ancestor"/> (or is it).</summary>
    public static bool IsInSubtree(uint descendant, uint ancestor)
    {
        (uint first, uint last) = Span(ancestor);
        return descendant >= first && descendant <= last;
    }

    public static bool IsInTree(uint node, uint leafCount) => leafCount != 0 && node < NodeWidth(leafCount);

    private static void RequireLeafCount(uint leafCount, bool allowZero)
    {
        if (leafCount == 0 ? !allowZero : (!BitOperations.IsPow2(leafCount) || leafCount > LeafCountMax))
        {
            throw new ArgumentException($"an MLS tree has a power-of-two number of leaves up to {LeafCountMax}, not {leafCount}", nameof(leafCount));
        }
    }

    private static void RequireInTree(uint node, uint leafCount)
    {
        if (!IsInTree(node, leafCount))
        {
            throw new ArgumentException($"node {node} is not in a tree of {leafCount} leaves", nameof(node));
        }
    }

    private static int RequireParent(uint node)
    {
        int k = Level(node);
        if (k == 0)
        {
            throw new ArgumentException($"node {node} is a leaf and has no children", nameof(node));
        }

        return k;
    }
}
