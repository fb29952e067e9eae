using System.Numerics;

namespace SecureChat.Engine.Mls.Tree;

/// <summary>
/// Array-based tree arithmetic of RFC 9420 appendix C for the full trees the ratchet tree uses (a power-of-two
/// leaf count): a node's level is its number of trailing one bits; leaves are the even indices. Thread-safe (stateless).
/// </summary>
internal static class TreeIndex
{
    public static bool IsLeaf(uint node) => (node & 1) == 0;

    public static int Level(uint node) => BitOperations.TrailingZeroCount(~node);

    public static uint Root(uint leafCount) => leafCount - 1;

    public static uint Left(uint node)
    {
        int k = Level(node);
        return k == 0 ? throw new ArgumentException("a leaf has no children", nameof(node)) : node ^ (1u << (k - 1));
    }

    public static uint Right(uint node)
    {
        int k = Level(node);
        return k == 0 ? throw new ArgumentException("a leaf has no children", nameof(node)) : node ^ (3u << (k - 1));
    }

    public static uint Parent(uint node, uint leafCount)
    {
        if (node == Root(leafCount))
        {
            throw new ArgumentException("the root has no parent", nameof(node));
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

    /// <summary>The parents of <paramref name="node"/> from the one above it up to the root.</summary>
    public static List<uint> DirectPath(uint node, uint leafCount)
    {
        var path = new List<uint>();
        uint root = Root(leafCount);
        while (node != root)
        {
            node = Parent(node, leafCount);
            path.Add(node);
        }

        return path;
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
}
