using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Mls.Tree;

namespace SecureChat.Engine.Tests.Mls;

/// <summary>
/// UpdatePaths a malicious committer can build: it holds its own signing key, so everything it signs verifies;
/// what it cannot do is make a planted public key follow from the path secrets it sends.
/// </summary>
internal static class TreeKemForgery
{
    /// <summary>
    /// An honest path by <paramref name="committer"/> with node <paramref name="nodeIndex"/>'s public key replaced by
    /// one the committer chose, then made consistent: parent hashes recomputed, the leaf re-signed, and every path
    /// secret re-encrypted under the resulting GroupContext. Returns it with the tree it yields.
    /// </summary>
    public static (UpdatePath Path, RatchetTree Tree) WithPlantedKey(TreeKemGroup group, uint committer, uint nodeIndex, byte[]? plantedKey = null)
    {
        RatchetTree tree = group.Tree.Clone();
        using TreeKemEncapResult honest = TreeKem.Encap(group.Suite, tree, committer, group.GroupId, group.SignatureKeys[committer], group.Context);
        byte[] planted = plantedKey ?? group.Suite.DeriveKeyPair(new byte[32]).PublicKey;
        List<(uint Node, uint CopathChild)> filtered = tree.FilteredDirectPath(committer);
        foreach ((uint node, _) in filtered)
        {
            byte[] key = node == nodeIndex ? planted : tree.EncryptionKeyAt(node);
            tree.SetParent(node, new ParentNode(key, [], []));
        }

        byte[] parentHash = ParentHasher.SetPathParentHashes(group.Suite, tree, committer);
        LeafNode leaf = Resigned(group, committer, honest.Path.LeafNode, honest.Path.LeafNode.EncryptionKey, LeafNodeSource.Commit, parentHash);
        tree.SetLeaf(committer, leaf);
        byte[] context = group.Context(TreeHasher.RootHash(group.Suite, tree));
        var nodes = new List<UpdatePathNode>();
        foreach ((uint node, uint copathChild) in filtered)
        {
            var ciphertexts = tree.Resolution(copathChild)
                .Select(r => group.Suite.EncryptWithLabel(tree.EncryptionKeyAt(r), TreeKem.EncryptionLabel, context, honest.PathSecrets[node]))
                .Select(c => new HpkeCiphertext(c.Kem, c.Ciphertext))
                .ToList();
            nodes.Add(new UpdatePathNode(tree.EncryptionKeyAt(node), ciphertexts));
        }

        return (new UpdatePath(leaf, nodes), tree);
    }

    /// <summary><paramref name="leaf"/> with another encryption key, source or parent hash, signed by the member at <paramref name="leafIndex"/>.</summary>
    public static LeafNode Resigned(TreeKemGroup group, uint leafIndex, LeafNode leaf, byte[] encryptionKey, LeafNodeSource source, byte[]? parentHash)
    {
        var unsigned = new LeafNode(encryptionKey, leaf.SignatureKey, leaf.Credential, leaf.Capabilities, source, null, parentHash, leaf.Extensions, []);
        return unsigned with { Signature = group.Suite.SignWithLabel(group.SignatureKeys[leafIndex], LeafNode.SignatureLabel, unsigned.EncodeTbs(group.GroupId, leafIndex)) };
    }
}
