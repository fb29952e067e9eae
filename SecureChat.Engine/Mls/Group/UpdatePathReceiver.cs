using System.Security.Cryptography;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Mls.Tree;

namespace SecureChat.Engine.Mls.Group;

/// <summary>
/// A member's side of a commit's UpdatePath (RFC 9420 sections 7.5, 7.6 and 12.4.2), in two steps. Merge: check the
/// committer's new leaf (source commit, signed with the group id and its index, a new encryption key, supporting the
/// group), check there is one path node per node of its filtered direct path, blank its direct path, set the new
/// public keys with no unmerged leaves, and check the leaf's parent hash against the chain recomputed from the root.
/// Decrypt: find the copath node whose subtree holds this member, open the path secret sealed to the node of its
/// resolution (added leaves left out) whose private key this member holds, with the new GroupContext as HPKE
/// context, derive the keys above it (each must match the tree) and the commit secret
/// DeriveSecret(path_secret[root], "path"). Stateless and thread-safe.
/// </summary>
internal static class UpdatePathReceiver
{
    public static bool TryMerge(CipherSuite suite, RatchetTree tree, GroupContext context, uint committer, UpdatePath path, out string failure)
    {
        LeafNode leaf = path.LeafNode;
        if (leaf.Source != LeafNodeSource.Commit || !leaf.VerifySignature(suite, context.GroupId, committer))
        {
            failure = "the committer's new leaf is not a validly signed commit leaf";
            return false;
        }

        if (tree.GetLeaf(committer) is { } old && old.EncryptionKey.AsSpan().SequenceEqual(leaf.EncryptionKey))
        {
            failure = "the committer's new leaf keeps its old encryption key";
            return false;
        }

        if (!LeafValidation.TryValidate(leaf, context, tree, committer, out failure))
        {
            return false;
        }

        List<uint> filtered = PathKeys.FilteredPathNodes(tree, committer);
        if (filtered.Count != path.Nodes.Count)
        {
            failure = $"the UpdatePath has {path.Nodes.Count} nodes, the committer's filtered direct path {filtered.Count}";
            return false;
        }

        tree.BlankDirectPath(committer);
        for (int i = 0; i < filtered.Count; i++)
        {
            tree.SetParent(filtered[i], new ParentNode(path.Nodes[i].EncryptionKey, [], []));
        }

        tree.SetLeaf(committer, leaf);
        byte[] leafParentHash = ParentHasher.SetPathParentHashes(suite, tree, committer);
        if (!leafParentHash.AsSpan().SequenceEqual(leaf.ParentHash))
        {
            failure = "the committer's leaf does not carry the parent hash of its new path";
            return false;
        }

        failure = "";
        return true;
    }

    /// <summary>
    /// Opens this member's path secret from <paramref name="path"/> (already merged into <paramref name="tree"/>) and
    /// adds the derived private keys to <paramref name="privateKeys"/>; returns the commit secret.
    /// </summary>
    public static bool TryDecrypt(
        CipherSuite suite,
        RatchetTree tree,
        byte[] encodedContext,
        uint committer,
        uint own,
        UpdatePath path,
        IReadOnlySet<uint> addedLeaves,
        Dictionary<uint, byte[]> privateKeys,
        out byte[]? commitSecret,
        out string failure)
    {
        commitSecret = null;
        List<(uint Node, uint CopathChild)> filtered = tree.FilteredDirectPath(committer);
        uint ownNode = TreeMath.LeafToNode(own);
        int index = filtered.FindIndex(p => TreeIndex.IsInSubtree(ownNode, p.CopathChild));
        if (index < 0)
        {
            failure = "this member is under none of the committer's path nodes";
            return false;
        }

        List<uint> resolution = tree.Resolution(filtered[index].CopathChild, addedLeaves);
        int position = resolution.FindIndex(privateKeys.ContainsKey);
        IReadOnlyList<HpkeCiphertext> sealedSecrets = path.Nodes[index].EncryptedPathSecret;
        if (position < 0 || sealedSecrets.Count != resolution.Count)
        {
            failure = position < 0
                ? "this member holds no private key in the resolution the path secret is sealed to"
                : $"the path node has {sealedSecrets.Count} sealed secrets for a resolution of {resolution.Count}";
            return false;
        }

        HpkeCiphertext mine = sealedSecrets[position];
        if (!suite.TryDecryptWithLabel(privateKeys[resolution[position]], "UpdatePathNode", encodedContext, mine.KemOutput, mine.Ciphertext, out byte[] pathSecret))
        {
            failure = "the path secret sealed to this member does not decrypt";
            return false;
        }

        try
        {
            List<uint> nodes = [.. filtered.Select(p => p.Node)];
            if (!PathKeys.TryDerive(suite, tree, nodes, index, pathSecret, privateKeys, out byte[]? rootSecret, out failure))
            {
                return false;
            }

            commitSecret = suite.DeriveSecret(rootSecret!, "path");
            CryptographicOperations.ZeroMemory(rootSecret);
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pathSecret);
        }
    }
}
