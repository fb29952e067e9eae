using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Mls.Tree;

namespace SecureChat.Engine.Mls.Group;

/// <summary>
/// Checks a commit's proposal list (RFC 9420 section 12.2) and applies it to a copy of the tree in the order of
/// section 12.3: GroupContextExtensions, then Update, Remove, Add, and the PSKs for the key schedule. Refused: an
/// unknown, ReInit or ExternalInit proposal in a member's commit; an Update from the committer; an Update or Remove
/// naming a blank leaf or a leaf that another proposal also changes; the committer removing itself; an Add whose
/// key package does not verify, is for another version or suite, reuses its leaf's key as init key, or brings a
/// client already in the group; a leaf that does not support the group (section 7.3); more than one
/// GroupContextExtensions. Stateless and thread-safe; the state's tree is never changed.
/// </summary>
internal static class ProposalValidation
{
    public static bool TryApply(GroupState state, uint committer, IReadOnlyList<ReceivedProposal> proposals, ulong? nowUnixSeconds, out AppliedProposals? applied, out string failure)
    {
        applied = null;
        CipherSuite suite = state.Suite;
        RatchetTree tree = state.Tree.Clone();
        IReadOnlyList<Extension> extensions = state.Context.Extensions;
        var changedLeaves = new HashSet<uint>();
        var psks = new List<PreSharedKeyId>();
        bool pathRequired = proposals.Count == 0;
        int contextExtensions = 0;

        foreach (ReceivedProposal received in proposals)
        {
            switch (received.Proposal)
            {
                case GroupContextExtensionsProposal gce:
                    if (++contextExtensions > 1 || !Messages.Extensions.AreDistinct(gce.Extensions))
                    {
                        failure = "a commit may change the group's extensions once, each extension once";
                        return false;
                    }

                    extensions = gce.Extensions;
                    pathRequired = true;
                    break;
                case UpdateProposal or RemoveProposal or AddProposal or PreSharedKeyProposal:
                    break;
                default:
                    failure = $"a member's commit may not carry a proposal of type {(ushort)received.Proposal.Type}";
                    return false;
            }
        }

        GroupContext newContext = state.Context with { Extensions = extensions };
        if (contextExtensions > 0 && !LeafValidation.TryValidateAll(newContext, tree, out failure))
        {
            failure = $"the group's new extensions are not supported: {failure}";
            return false;
        }

        foreach (ReceivedProposal received in proposals)
        {
            if (received.Proposal is not UpdateProposal update)
            {
                continue;
            }

            uint leaf = received.Sender.Index;
            if (received.Sender.Type != SenderType.Member || leaf == committer)
            {
                failure = "an Update must come from a member other than the committer";
                return false;
            }

            if (!TryValidateUpdate(suite, state, tree, newContext, leaf, update.LeafNode, out failure) || !changedLeaves.Add(leaf))
            {
                failure = failure.Length > 0 ? failure : $"leaf {leaf} is changed by two proposals";
                return false;
            }

            tree.UpdateLeaf(leaf, update.LeafNode);
            pathRequired = true;
        }

        bool ownRemoved = false;
        foreach (ReceivedProposal received in proposals)
        {
            if (received.Proposal is not RemoveProposal remove)
            {
                continue;
            }

            if (remove.Removed == committer)
            {
                failure = "the committer cannot remove itself";
                return false;
            }

            if (tree.GetLeaf(remove.Removed) is null || !changedLeaves.Add(remove.Removed))
            {
                failure = $"a Remove names leaf {remove.Removed}, which is blank or changed by another proposal";
                return false;
            }

            ownRemoved |= remove.Removed == state.OwnLeaf;
            tree.RemoveLeaf(remove.Removed);
            pathRequired = true;
        }

        var added = new List<(uint, KeyPackage)>();
        foreach (ReceivedProposal received in proposals)
        {
            if (received.Proposal is not AddProposal add)
            {
                continue;
            }

            if (!KeyPackageValidation.TryValidate(suite, add.KeyPackage, newContext, tree, nowUnixSeconds, out failure))
            {
                return false;
            }

            if (tree.LeafCount >= RatchetTree.MaxLeafCount && tree.OccupiedLeaves().Count() >= RatchetTree.MaxLeafCount)
            {
                failure = $"the group would hold more than {RatchetTree.MaxLeafCount} members";
                return false;
            }

            added.Add((tree.AddLeaf(add.KeyPackage.LeafNode), add.KeyPackage));
        }

        foreach (ReceivedProposal received in proposals)
        {
            if (received.Proposal is PreSharedKeyProposal psk)
            {
                psks.Add(psk.Psk);
            }
        }

        applied = new AppliedProposals(tree, added, extensions, psks, pathRequired, ownRemoved);
        failure = "";
        return true;
    }

    private static bool TryValidateUpdate(CipherSuite suite, GroupState state, RatchetTree tree, GroupContext context, uint leaf, LeafNode node, out string failure)
    {
        if (tree.GetLeaf(leaf) is not { } current)
        {
            failure = $"an Update comes from leaf {leaf}, which is blank";
            return false;
        }

        if (node.Source != LeafNodeSource.Update || !node.VerifySignature(suite, state.GroupId, leaf))
        {
            failure = $"the Update of leaf {leaf} is not a validly signed update leaf";
            return false;
        }

        if (node.EncryptionKey.AsSpan().SequenceEqual(current.EncryptionKey))
        {
            failure = $"the Update of leaf {leaf} keeps its old encryption key";
            return false;
        }

        foreach (uint other in tree.OccupiedLeaves())
        {
            LeafNode member = tree.GetLeaf(other)!;
            if (other != leaf && (member.EncryptionKey.AsSpan().SequenceEqual(node.EncryptionKey) || member.SignatureKey.AsSpan().SequenceEqual(node.SignatureKey)))
            {
                failure = $"the Update of leaf {leaf} reuses a key of leaf {other}";
                return false;
            }
        }

        return LeafValidation.TryValidate(node, context, tree, leaf, out failure);
    }
}
