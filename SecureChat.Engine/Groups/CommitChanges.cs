using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Mls.Tree;

namespace SecureChat.Engine.Groups;

/// <summary>
/// Who a commit adds and removes, read from its inline proposals against the tree of the epoch it was made in
/// (removals name leaves of that tree, additions carry key packages), so that the user can be told by whom. Read
/// before the commit is processed; shown only once it is. Immutable.
/// </summary>
internal sealed record CommitChanges(byte[]? Committer, IReadOnlyList<byte[]> Added, IReadOnlyList<byte[]> Removed, IReadOnlyList<uint> RemovedLeaves)
{
    public static CommitChanges Read(RatchetTree tree, uint committerLeaf, Commit commit)
    {
        var added = new List<byte[]>();
        var removed = new List<byte[]>();
        var removedLeaves = new List<uint>();
        foreach (ProposalOrRef item in commit.Proposals)
        {
            switch (item.Proposal)
            {
                case AddProposal add when TreeIdentities.DigestOf(add.KeyPackage.LeafNode) is { } digest:
                    added.Add(digest);
                    break;
                case RemoveProposal remove:
                    removedLeaves.Add(remove.Removed);
                    if (TreeIdentities.DigestAt(tree, remove.Removed) is { } gone)
                    {
                        removed.Add(gone);
                    }

                    break;
            }
        }

        return new CommitChanges(TreeIdentities.DigestAt(tree, committerLeaf), added, removed, removedLeaves);
    }
}
