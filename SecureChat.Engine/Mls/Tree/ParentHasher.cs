using SecureChat.Engine.Mls.Codec;
using SecureChat.Engine.Mls.Messages;

namespace SecureChat.Engine.Mls.Tree;

/// <summary>
/// RFC 9420 section 7.9, parent hashes: the parent hash of P with copath child S is
/// Hash(ParentHashInput { P.encryption_key, P.parent_hash, original_sibling_tree_hash }), where the original
/// sibling tree hash is S's tree hash with P's unmerged leaves blanked. <see cref="SetPathParentHashes"/> fills the
/// chain along a freshly set filtered direct path (root first, section 7.9); <see cref="AllParentNodesValid"/> is
/// the joiner's check of section 7.9.2: every non-blank parent is vouched for by exactly one descendant.
/// Thread-safe (stateless; the tree must not change during a call).
/// </summary>
internal static class ParentHasher
{
    /// <summary>The parent hash of <paramref name="parent"/> given its copath child's original tree hash.</summary>
    public static byte[] Compute(CipherSuite suite, ParentNode parent, ReadOnlySpan<byte> originalSiblingTreeHash)
    {
        var w = new MlsWriter();
        w.Opaque(parent.EncryptionKey);
        w.Opaque(parent.ParentHash);
        w.Opaque(originalSiblingTreeHash);
        return suite.Hash(w.ToArray());
    }

    /// <summary>
    /// Sets the parent_hash of every node on <paramref name="leafIndex"/>'s filtered direct path, from the root down
    /// (the root's is empty), and returns the parent hash the leaf itself must carry (empty when the path is).
    /// The path's nodes must already hold their new keys and no unmerged leaves (section 7.5).
    /// </summary>
    public static byte[] SetPathParentHashes(CipherSuite suite, RatchetTree tree, uint leafIndex)
    {
        List<(uint Node, uint CopathChild)> path = tree.FilteredDirectPath(leafIndex);
        byte[] above = [];
        for (int i = path.Count - 1; i >= 0; i--)
        {
            ParentNode node = tree.GetParent(path[i].Node) ?? throw new InvalidOperationException($"node {path[i].Node} on the path is blank");
            var updated = new ParentNode(node.EncryptionKey, above, node.UnmergedLeaves);
            tree.SetParent(path[i].Node, updated);
            above = Compute(suite, updated, TreeHasher.Hash(suite, tree, path[i].CopathChild));
        }

        return above;
    }

    /// <summary>
    /// Section 7.9.2, top down: each non-blank parent P must have exactly one descendant D whose parent_hash is the
    /// parent hash of P (with the other child's original tree hash), where D is in the resolution of its side's
    /// child C and P's unmerged leaves under C are exactly that resolution without D.
    /// </summary>
    public static bool AllParentNodesValid(CipherSuite suite, RatchetTree tree)
    {
        for (uint node = 1; node < tree.NodeCount; node += 2)
        {
            if (tree.GetParent(node) is { } parent && CountValidLinks(suite, tree, node, parent) != 1)
            {
                return false;
            }
        }

        return true;
    }

    private static int CountValidLinks(CipherSuite suite, RatchetTree tree, uint node, ParentNode parent)
    {
        var unmerged = new HashSet<uint>(parent.UnmergedLeaves);
        int count = 0;
        foreach ((uint child, uint sibling) in new[] { (TreeMath.Left(node), TreeMath.Right(node)), (TreeMath.Right(node), TreeMath.Left(node)) })
        {
            List<uint> resolution = tree.Resolution(child);
            if (resolution.Count == 0)
            {
                continue;
            }

            // D must be the one member of C's resolution that is not among P's unmerged leaves under C, and those
            // must be exactly the rest of the resolution: one pass, so a tree built to have many candidates costs
            // no more than an honest one.
            var unmergedUnderChild = new HashSet<uint>(unmerged.Select(l => 2 * l).Where(n => TreeMath.IsInSubtree(n, child)));
            List<uint> notUnmerged = resolution.Where(n => !unmergedUnderChild.Contains(n)).Take(2).ToList();
            if (notUnmerged.Count != 1 || unmergedUnderChild.Count != resolution.Count - 1)
            {
                continue;
            }

            byte[]? candidateHash = ParentHashField(tree, notUnmerged[0]);
            if (candidateHash is not null
                && candidateHash.AsSpan().SequenceEqual(Compute(suite, parent, TreeHasher.Hash(suite, tree, sibling, unmerged))))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>The parent_hash a non-blank node carries: a parent's field, or a leaf's when it came from a Commit.</summary>
    private static byte[]? ParentHashField(RatchetTree tree, uint node) => TreeMath.IsLeaf(node)
        ? tree.GetLeaf(node / 2) is { Source: LeafNodeSource.Commit } leaf ? leaf.ParentHash : null
        : tree.GetParent(node)?.ParentHash;
}
