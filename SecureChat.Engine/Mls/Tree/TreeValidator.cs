using SecureChat.Engine.Crypto;
using SecureChat.Engine.Mls.Messages;

namespace SecureChat.Engine.Mls.Tree;

/// <summary>
/// The integrity checks a joiner runs on a ratchet tree it was given (RFC 9420 section 12.4.3.1, "Verify the
/// integrity of the ratchet tree"): the root tree hash equals the GroupContext's (section 7.8); every non-blank
/// parent is parent-hash valid (section 7.9.2); every leaf's signature verifies over LeafNodeTBS with the group id
/// and its leaf index where its source is update or commit (section 7.2); unmerged leaves are sorted, non-blank,
/// below their parent and listed at every non-blank node in between; every encryption key is a usable X25519 key
/// (<see cref="Hpke.IsUsablePublicKey"/>) and none, nor any signature key, appears twice (section 7.3). Checks the
/// group state owns (credentials, capabilities against the GroupContext, lifetimes) are not here. A tree from a
/// peer never makes it throw: each check returns false with one reason. Thread-safe (stateless; the tree must not
/// change during a call).
/// </summary>
internal static class TreeValidator
{
    public static bool TryValidate(CipherSuite suite, RatchetTree tree, byte[] groupId, ReadOnlySpan<byte> expectedTreeHash, out string failure)
    {
        if (!TreeHasher.RootHash(suite, tree).AsSpan().SequenceEqual(expectedTreeHash))
        {
            failure = "the ratchet tree does not match the group's tree hash";
            return false;
        }

        foreach (uint leafIndex in tree.OccupiedLeaves())
        {
            if (!tree.GetLeaf(leafIndex)!.VerifySignature(suite, groupId, leafIndex))
            {
                failure = $"the signature of leaf {leafIndex} does not verify";
                return false;
            }
        }

        if (!UnmergedLeavesConsistent(tree, out failure) || !KeysUnique(tree, out failure))
        {
            return false;
        }

        if (!ParentHasher.AllParentNodesValid(suite, tree))
        {
            failure = "a parent node of the ratchet tree is not parent-hash valid";
            return false;
        }

        failure = "";
        return true;
    }

    private static bool UnmergedLeavesConsistent(RatchetTree tree, out string failure)
    {
        for (uint node = 1; node < tree.NodeCount; node += 2)
        {
            if (tree.GetParent(node) is not { } parent)
            {
                continue;
            }

            for (int i = 0; i < parent.UnmergedLeaves.Count; i++)
            {
                uint leaf = parent.UnmergedLeaves[i];
                if (i > 0 && leaf <= parent.UnmergedLeaves[i - 1])
                {
                    failure = $"the unmerged leaves of node {node} are not sorted";
                    return false;
                }

                if (leaf >= tree.LeafCount || !TreeMath.IsInSubtree(2 * leaf, node) || tree.GetLeaf(leaf) is null)
                {
                    failure = $"node {node} lists leaf {leaf} as unmerged, which is blank or not below it";
                    return false;
                }

                foreach (uint between in TreeMath.DirectPath(2 * leaf, tree.LeafCount).TakeWhile(n => n != node))
                {
                    if (tree.GetParent(between) is { } middle && middle.UnmergedLeaves.BinarySearch(leaf) < 0)
                    {
                        failure = $"leaf {leaf} is unmerged at node {node} but not at node {between} below it";
                        return false;
                    }
                }
            }
        }

        failure = "";
        return true;
    }

    private static bool KeysUnique(RatchetTree tree, out string failure)
    {
        var encryptionKeys = new HashSet<string>();
        var signatureKeys = new HashSet<string>();
        for (uint node = 0; node < tree.NodeCount; node++)
        {
            if (tree.IsBlank(node))
            {
                continue;
            }

            if (!Hpke.IsUsablePublicKey(tree.EncryptionKeyAt(node)))
            {
                failure = $"the encryption key of node {node} is not a usable X25519 public key";
                return false;
            }

            if (!encryptionKeys.Add(Convert.ToHexString(tree.EncryptionKeyAt(node))))
            {
                failure = $"the encryption key of node {node} appears twice in the ratchet tree";
                return false;
            }

            if (TreeMath.IsLeaf(node) && !signatureKeys.Add(Convert.ToHexString(tree.GetLeaf(node / 2)!.SignatureKey)))
            {
                failure = $"the signature key of leaf {node / 2} appears twice in the ratchet tree";
                return false;
            }
        }

        failure = "";
        return true;
    }
}
