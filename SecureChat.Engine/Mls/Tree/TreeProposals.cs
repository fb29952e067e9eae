using SecureChat.Engine.Crypto;
using SecureChat.Engine.Mls.Messages;

namespace SecureChat.Engine.Mls.Tree;

/// <summary>
/// Applies a Commit's proposals to the ratchet tree (RFC 9420 section 12.3's order: every Update, then every
/// Remove, then the Adds in list order; sections 12.1.1-12.1.3 for each). Works on a clone and hands it back only
/// when every proposal applied, so a refused list leaves the caller's tree as it was. Refuses, with a reason, what
/// the tree itself shows to be wrong (section 12.2): an Update from a leaf that is not a member, a Remove of a
/// blank leaf, a leaf updated or removed twice, a leaf whose encryption key cannot be encrypted to, an Add past
/// <see cref="RatchetTree.MaxLeafCount"/>. Checks needing the group (leaf node validation against the GroupContext,
/// signatures, the committer's own Update) belong to the caller. Proposal kinds that do not touch the tree are
/// skipped. Thread-safe (stateless).
/// </summary>
internal static class TreeProposals
{
    /// <param name="proposals">Each proposal with the leaf index of its sender (null for a sender outside the group).</param>
    /// <param name="result">The new tree, or null when refused.</param>
    /// <param name="added">The leaf index each Add took, in list order.</param>
    public static bool TryApply(
        RatchetTree tree,
        IReadOnlyList<(Proposal Proposal, uint? Sender)> proposals,
        out RatchetTree? result,
        out List<uint> added,
        out string failure)
    {
        result = null;
        added = [];
        RatchetTree next = tree.Clone();
        var touched = new HashSet<uint>();

        foreach ((Proposal proposal, uint? sender) in proposals)
        {
            if (proposal is not UpdateProposal update)
            {
                continue;
            }

            if (sender is not { } leaf || next.GetLeaf(leaf) is null)
            {
                failure = "an Update proposal from a sender that is not a member";
                return false;
            }

            if (!touched.Add(leaf))
            {
                failure = $"leaf {leaf} is updated or removed more than once";
                return false;
            }

            if (!Hpke.IsUsablePublicKey(update.LeafNode.EncryptionKey))
            {
                failure = $"the Update proposal of leaf {leaf} has an encryption key that is not a usable X25519 public key";
                return false;
            }

            next.UpdateLeaf(leaf, update.LeafNode);
        }

        foreach ((Proposal proposal, _) in proposals)
        {
            if (proposal is not RemoveProposal remove)
            {
                continue;
            }

            if (!touched.Add(remove.Removed))
            {
                failure = $"leaf {remove.Removed} is updated or removed more than once";
                return false;
            }

            if (next.GetLeaf(remove.Removed) is null)
            {
                failure = $"a Remove proposal for leaf {remove.Removed}, which is not a member";
                return false;
            }

            next.RemoveLeaf(remove.Removed);
        }

        foreach ((Proposal proposal, _) in proposals)
        {
            if (proposal is not AddProposal add)
            {
                continue;
            }

            if (next.IsFull)
            {
                failure = $"the group would exceed {RatchetTree.MaxLeafCount} leaves";
                return false;
            }

            if (!Hpke.IsUsablePublicKey(add.KeyPackage.LeafNode.EncryptionKey))
            {
                failure = "an Add proposal's leaf has an encryption key that is not a usable X25519 public key";
                return false;
            }

            added.Add(next.AddLeaf(add.KeyPackage.LeafNode));
        }

        result = next;
        failure = "";
        return true;
    }
}
