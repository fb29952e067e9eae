using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Hub.Groups;

/// <summary>
/// The delivery service's commits and direct conversations (PROTOCOL.md 4.8): the first valid commit of an epoch
/// wins and is relayed with its Welcome; a direct conversation's group exists from the first commit at epoch 0 that
/// adds the key package the hub handed its creator.
/// </summary>
internal sealed partial class DeliveryService
{
    private readonly Dictionary<(string Requester, GroupKey Pair), StoredKeyPackage> _offers = [];

    /// <summary>
    /// Request <c>key package</c>: one key package of <paramref name="person"/> for <paramref name="requester"/> to
    /// start a direct conversation with, remembered as the one its first commit must add; null when the hub holds none.
    /// </summary>
    public StoredKeyPackage? TakeKeyPackageFor(string requester, string person)
    {
        if (!KeyPackages.TryTake(person, out StoredKeyPackage? keyPackage, out bool tellFew))
        {
            return null;
        }

        if (tellFew)
        {
            output.FewKeyPackages(person, KeyPackages.OneTimeCount(person));
        }

        _offers[(requester, GroupKey.ForPair(requester, person))] = keyPackage!;
        return keyPackage;
    }

    /// <summary>
    /// A GroupCommit of <paramref name="committer"/> for the group of <paramref name="key"/>: <paramref name="commit"/>
    /// (one MLSMessage) and <paramref name="welcome"/> (empty or one MLSMessage). The committer is answered with
    /// CommitResult; an accepted commit goes to every other member as CommitRelay and its Welcome to the added joiners.
    /// </summary>
    public CommitVerdict Commit(GroupKey key, string committer, ReadOnlySpan<byte> commit, ReadOnlySpan<byte> welcome)
    {
        DeliveryGroup? group = _groups.GetValueOrDefault(key);
        CommitVerdict verdict;
        if (!ParsedCommit.TryRead(commit, welcome, out ParsedCommit? parsed, out string failure))
        {
            verdict = CommitVerdict.Refused(failure);
        }
        else if (group is null)
        {
            return key.IsDirect ? CreateDirect(key, committer, parsed!, commit, welcome) : Answer(key, committer, CommitVerdict.Refused("the room has no group"), null);
        }
        else if (key.IsDirect && parsed!.Epoch == 0 && !parsed.GroupId.AsSpan().SequenceEqual(group.GroupId))
        {
            verdict = CommitVerdict.Stale("the other person created the conversation's group first");
        }
        else
        {
            verdict = CommitCheck.Check(group, committer, parsed!);
        }

        if (verdict.Status != CommitStatus.Accepted)
        {
            return Answer(key, committer, verdict, group);
        }

        List<string> others = [.. group!.Roster.Members.Where(m => m != committer)];
        group.Apply(verdict.RemovedLeaves, verdict.Added);
        EndTask(group);
        output.CommitResult(committer, key, CommitStatus.Accepted, group.GroupId, group.Epoch);
        Relay(key, committer, others, verdict.Added, commit, welcome);
        Designate(group, after: null);
        return verdict;
    }

    private CommitVerdict CreateDirect(GroupKey key, string committer, ParsedCommit parsed, ReadOnlySpan<byte> commit, ReadOnlySpan<byte> welcome)
    {
        string other = key.OtherThan(committer);
        CommitVerdict verdict;
        if (parsed.Epoch != 0 || parsed.SenderLeaf != 0 || parsed.GroupId.Length != GroupIdSize)
        {
            verdict = CommitVerdict.Refused("a conversation's first commit is at epoch 0 from leaf 0 with a 16-byte group_id");
        }
        else if (!_offers.TryGetValue((committer, key), out StoredKeyPackage? offered)
            || parsed.Removes.Count != 0
            || parsed.Adds.Count != 1
            || !offered.IsReference(parsed.Adds[0])
            || !CommitCheck.WelcomeMatches(parsed))
        {
            verdict = CommitVerdict.Refused("a conversation's first commit adds exactly the key package the hub handed out");
        }
        else
        {
            _offers.Remove((committer, key));
            var joiner = new PendingJoiner(other) { KeyPackage = offered };
            DeliveryGroup group = DeliveryGroup.Created(key, parsed.GroupId, committer, other);
            _groups[key] = group;
            output.CommitResult(committer, key, CommitStatus.Accepted, group.GroupId, group.Epoch);
            Relay(key, committer, [], [joiner], commit, welcome);
            return CommitVerdict.Accepted([], [joiner]);
        }

        return Answer(key, committer, verdict, null);
    }

    private CommitVerdict Answer(GroupKey key, string committer, CommitVerdict verdict, DeliveryGroup? group)
    {
        output.CommitResult(committer, key, verdict.Status, group?.GroupId ?? new byte[GroupIdSize], group?.Epoch ?? 0);
        return verdict;
    }

    private void Relay(GroupKey key, string committer, List<string> others, IReadOnlyList<PendingJoiner> added, ReadOnlySpan<byte> commit, ReadOnlySpan<byte> welcome)
    {
        byte[] commitBytes = commit.ToArray();
        foreach (string other in others)
        {
            output.CommitRelay(other, key, committer, commitBytes);
        }

        if (added.Count > 0)
        {
            byte[] welcomeBytes = welcome.ToArray();
            foreach (PendingJoiner joiner in added)
            {
                output.WelcomeRelay(joiner.Identity, key, committer, welcomeBytes);
            }
        }
    }
}
