using SecureChat.Engine.Mls.Codec;

namespace SecureChat.Engine.Mls.Tree;

/// <summary>
/// RFC 9420 section 7.8, tree hashes: each node's hash is Hash(TreeHashInput), where a leaf contributes
/// <c>uint32 leaf_index; optional&lt;LeafNode&gt;</c> and a parent <c>optional&lt;ParentNode&gt;; left_hash; right_hash</c>,
/// both after a NodeType byte. The "original sibling tree hash" of section 7.9 is the same hash over the tree with
/// some leaves blanked and dropped from every unmerged list (<c>excludedLeaves</c>). Thread-safe (stateless; the
/// tree must not change during a call).
/// </summary>
internal static class TreeHasher
{
    private const byte LeafType = 1;
    private const byte ParentType = 2;

    /// <summary>The tree hash of the root, as carried in the GroupContext's tree_hash.</summary>
    public static byte[] RootHash(CipherSuite suite, RatchetTree tree) => Hash(suite, tree, tree.Root);

    /// <summary>The tree hash of the subtree under <paramref name="node"/>, treating <paramref name="excludedLeaves"/> as blank.</summary>
    public static byte[] Hash(CipherSuite suite, RatchetTree tree, uint node, IReadOnlySet<uint>? excludedLeaves = null) =>
        Compute(suite, tree, node, excludedLeaves, null);

    /// <summary>The tree hash of every node, indexed by node index (one pass from the leaves up).</summary>
    public static byte[][] AllHashes(CipherSuite suite, RatchetTree tree)
    {
        var hashes = new byte[tree.NodeCount][];
        Compute(suite, tree, tree.Root, null, hashes);
        return hashes;
    }

    private static byte[] Compute(CipherSuite suite, RatchetTree tree, uint node, IReadOnlySet<uint>? excluded, byte[][]? all)
    {
        var w = new MlsWriter();
        if (TreeMath.IsLeaf(node))
        {
            uint leafIndex = node / 2;
            var leaf = excluded?.Contains(leafIndex) == true ? null : tree.GetLeaf(leafIndex);
            w.U8(LeafType);
            w.U32(leafIndex);
            w.Optional(leaf, static (v, l) => l.Write(v));
        }
        else
        {
            byte[] left = Compute(suite, tree, TreeMath.Left(node), excluded, all);
            byte[] right = Compute(suite, tree, TreeMath.Right(node), excluded, all);
            ParentNode? parent = tree.GetParent(node);
            if (parent is not null && excluded is { Count: > 0 } && parent.UnmergedLeaves.Any(excluded.Contains))
            {
                parent = new ParentNode(parent.EncryptionKey, parent.ParentHash, [.. parent.UnmergedLeaves.Where(l => !excluded.Contains(l))]);
            }

            w.U8(ParentType);
            w.Optional(parent, static (v, p) => p.Write(v));
            w.Opaque(left);
            w.Opaque(right);
        }

        byte[] hash = suite.Hash(w.ToArray());
        if (all is not null)
        {
            all[node] = hash;
        }

        return hash;
    }
}
