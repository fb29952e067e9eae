namespace SecureChat.Engine.Hub.Groups;

/// <summary>
/// The rules a commit for an existing group must meet (PROTOCOL.md 4.8), checked on what <see cref="ParsedCommit"/>
/// read: the group's <c>group_id</c>; the group's current epoch (else <c>stale</c>: another commit won it); a sender leaf
/// that holds the committer's identity; every Add a key package the hub handed out for a pending joiner of this group
/// (each once); every Remove a leaf whose identity is a pending removal (each once); one Welcome secret per Add, for
/// exactly the added key packages. Stateless and thread-safe; the group is only read.
/// </summary>
internal static class CommitCheck
{
    public static CommitVerdict Check(DeliveryGroup group, string committer, ParsedCommit commit)
    {
        if (!commit.GroupId.AsSpan().SequenceEqual(group.GroupId))
        {
            return CommitVerdict.Refused("the commit is for another group_id");
        }

        if (commit.Epoch != group.Epoch)
        {
            return CommitVerdict.Stale($"the commit is for epoch {commit.Epoch}, the group is at {group.Epoch}");
        }

        if (group.Roster.IdentityAt(commit.SenderLeaf) != committer)
        {
            return CommitVerdict.Refused($"leaf {commit.SenderLeaf} is not the committer's");
        }

        List<uint> removed = [];
        foreach (uint leaf in commit.Removes)
        {
            if (group.Roster.IdentityAt(leaf) is not { } identity || !group.IsPendingRemoval(identity) || removed.Contains(leaf))
            {
                return CommitVerdict.Refused($"the commit removes leaf {leaf}, which is not a pending removal");
            }

            removed.Add(leaf);
        }

        List<PendingJoiner> added = [];
        foreach (byte[] reference in commit.Adds)
        {
            PendingJoiner? joiner = group.Joiners.Find(j => j.KeyPackage?.IsReference(reference) == true);
            if (joiner is null || added.Contains(joiner))
            {
                return CommitVerdict.Refused("the commit adds a key package the hub did not hand out for this group");
            }

            if (group.Roster.Contains(joiner.Identity) && !removed.Any(leaf => group.Roster.IdentityAt(leaf) == joiner.Identity))
            {
                return CommitVerdict.Refused("the commit adds a member again without removing its old leaf");
            }

            added.Add(joiner);
        }

        return WelcomeMatches(commit) ? CommitVerdict.Accepted(removed, added) : CommitVerdict.Refused("the welcome's secrets are not one per added key package");
    }

    /// <summary>One EncryptedGroupSecrets per Add, whose <c>new_member</c> values are exactly the Adds' KeyPackageRefs.</summary>
    public static bool WelcomeMatches(ParsedCommit commit)
    {
        if (commit.WelcomeMembers.Count != commit.Adds.Count)
        {
            return false;
        }

        var pending = commit.Adds.Select(Convert.ToHexString).ToList();
        foreach (byte[] member in commit.WelcomeMembers)
        {
            if (!pending.Remove(Convert.ToHexString(member)))
            {
                return false;
            }
        }

        return true;
    }
}
