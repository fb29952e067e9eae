using SecureChat.Engine.Crypto;
using SecureChat.Engine.Mls.Group;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Groups;

/// <summary>
/// The commit side of a <see cref="GroupBook"/> (PROTOCOL.md 4.9, "Its commits", "A fork"): a GroupTask becomes one
/// commit with exactly its removals and adds, kept pending until its CommitResult (accepted: applied; stale or
/// refused: discarded); a CommitRelay is processed at this member's epoch, and one that cannot be (a fork) drops the
/// state and asks for a resync; a WelcomeRelay joins the group once its tree holds the committer and the members the
/// hub announced. Each processed commit is told as who added or removed whom. Not thread-safe (the book's caller
/// serialises).
/// </summary>
internal sealed class GroupCommits(GroupBook book)
{
    public void Task(GroupTaskRecord record)
    {
        MemberGroup? group = book.Find(record.Target);
        if (group?.State is not { } state || group.CommitsOutstanding > 0
            || !state.GroupId.AsSpan().SequenceEqual(record.GroupId) || state.Epoch != record.Epoch)
        {
            // Another member will be tasked once this one's time is up; a task this member cannot carry out is not its own fault to show.
            return;
        }

        var proposals = new List<Proposal>();
        foreach (byte[] digest in record.Removals)
        {
            if (TreeIdentities.LeafOf(state.Tree, digest) is { } leaf)
            {
                proposals.Add(new RemoveProposal(leaf));
            }
        }

        foreach (GroupTaskJoiner joiner in record.Joiners)
        {
            if (!GroupBook.TryDecode(joiner.KeyPackage, out MlsMessage? message) || message.KeyPackage is not { } keyPackage
                || TreeIdentities.DigestOf(keyPackage.LeafNode) is not { } digest || !digest.AsSpan().SequenceEqual(joiner.Digest))
            {
                book.Dropped(record.Target, $"the hub's task holds a key package that is not {joiner.Name}'s: no commit sent");
                return;
            }

            proposals.Add(new AddProposal(keyPackage));
        }

        if (proposals.Count == 0)
        {
            return;
        }

        if (!CommitBuilder.TryCreate(state, proposals, book.Now, out PendingCommit? pending, out string failure))
        {
            book.Dropped(record.Target, $"the hub's task could not be carried out: {failure}");
            return;
        }

        Send(group, pending!, update: false);
    }

    public void SelfUpdate(MemberGroup group)
    {
        if (group.State is not { } state || group.CommitsOutstanding > 0)
        {
            return;
        }

        Send(group, CommitBuilder.SelfUpdate(state), update: true);
    }

    /// <summary>
    /// A new link: a commit whose CommitResult never came on the last one is discarded (PROTOCOL.md 4.9, "A new link"),
    /// so the group does not wait for it forever, and a <c>key package</c> Request it never answered is sent again. Had the hub accepted it, the member learns so from a later record (an
    /// accepted CommitResult with nothing pending, or a commit ahead of its epoch): a fork, and a resync.
    /// </summary>
    public void LinkSecured(IEnumerable<MemberGroup> groups)
    {
        foreach (MemberGroup group in groups)
        {
            if (group.CommitsOutstanding == 0)
            {
                if (group.KeyPackageRequested && group.State is null && !group.Target.IsRoom)
                {
                    // The hub answers a Request on the link that sent it (it may wait for the person's key packages):
                    // one whose link ended unanswered is asked again, or the texts would wait for ever.
                    book.Outbox.RequestKeyPackage(group.Target.Digest!);
                }

                continue;
            }

            group.CommitsOutstanding = 0;
            bool creates = group.PendingCreates;
            group.Pending?.Discard();
            group.Pending = null;
            group.PendingIsUpdate = group.PendingCreates = false;
            if (creates)
            {
                // The conversation was never confirmed: started again from the person's key package when texts wait.
                group.DropState();
                if (group.Outgoing.Count > 0 && !group.KeyPackageRequested)
                {
                    group.KeyPackageRequested = true;
                    book.Outbox.RequestKeyPackage(group.Target.Digest!);
                }
            }
        }
    }

    public void Result(CommitResultRecord record)
    {
        MemberGroup? group = book.Find(record.Target);
        if (group is { CommitsOutstanding: 0, State: { } state } && record.Status == CommitStatus.Accepted
            && state.GroupId.AsSpan().SequenceEqual(record.GroupId) && record.Epoch > state.Epoch)
        {
            // A commit this member gave up when its link ended (its result never came) was accepted after all.
            Fork(group, "the hub accepted a commit of this member whose result came after its link ended");
            return;
        }

        if (group is not { CommitsOutstanding: > 0 })
        {
            return;
        }

        group.CommitsOutstanding--;
        PendingCommit? pending = group.Pending;
        bool creates = group.PendingCreates;
        bool update = group.PendingIsUpdate;
        group.Pending = null;
        group.PendingCreates = group.PendingIsUpdate = false;
        if (pending is null)
        {
            if (record.Status == CommitStatus.Accepted && group.State is not null)
            {
                // The hub accepted a commit this member already gave up for another's: the group went two ways.
                Fork(group, "the hub accepted a commit of this member after another one");
            }

            book.Flush(group);
            return;
        }

        if (record.Status != CommitStatus.Accepted)
        {
            pending.Discard();
            if (update)
            {
                RenewalLost(group);
            }

            if (creates)
            {
                // The other person created the conversation first: its Welcome follows.
                group.State?.Dispose();
                group.State = null;
                group.AwaitingWelcome = true;
            }

            book.Flush(group);
            return;
        }

        GroupState previous = group.State!;
        CommitChanges changes = ChangesOf(previous, pending.Commit);
        group.State = pending.Merge();
        previous.Dispose();
        if (update || creates || pending.Commit.PublicMessage?.Content.Commit?.Path is not null)
        {
            // Every commit this member makes carries an UpdatePath, which renews its own leaf as an empty commit would.
            group.SentSinceUpdate = 0;
            group.LastUpdate = book.Time.GetUtcNow();
        }

        if (creates)
        {
            book.Raise(new GroupNotice(group.Target, GroupNoticeKind.Joined, "started the conversation"));
        }

        Tell(group, changes, book.OwnDigest);
        book.Release(group);
    }

    public void Relay(CommitRelayRecord record)
    {
        MemberGroup? group = book.Find(record.Target);
        if (group?.State is not { } state)
        {
            if (group is not { AwaitingWelcome: true })
            {
                book.Dropped(record.Target, $"a commit by {record.Name} for a group this member holds no state of was ignored");
            }

            return;
        }

        if (!GroupBook.TryDecode(record.Mls, out MlsMessage? message) || message.PublicMessage is not { } commit
            || commit.Content.Commit is null || !commit.Content.GroupId.AsSpan().SequenceEqual(state.GroupId))
        {
            book.Dropped(record.Target, $"a commit relayed from {record.Name} is not a commit of this group");
            return;
        }

        if (commit.Content.Epoch < state.Epoch)
        {
            book.Dropped(record.Target, $"a commit relayed from {record.Name} is for epoch {commit.Content.Epoch}, which this group has left");
            return;
        }

        if (commit.Content.Epoch > state.Epoch)
        {
            Fork(group, $"a commit by {record.Name} is for epoch {commit.Content.Epoch}, ahead of this member's {state.Epoch}");
            return;
        }

        CommitChanges changes = CommitChanges.Read(state.Tree, commit.Content.Sender.Index, commit.Content.Commit);
        if (changes.Committer is not { } committer || !committer.AsSpan().SequenceEqual(record.Digest))
        {
            book.Dropped(record.Target, $"a commit the hub said was by {record.Name} was not made by that identity");
            return;
        }

        if (!CommitProcessor.TryProcess(state, message, _ => null, book.Now, out GroupState? next, out bool removed, out string failure))
        {
            if (removed)
            {
                group.DropState();
                group.AwaitingWelcome = record.Target.IsRoom;
                book.Raise(new GroupNotice(group.Target, GroupNoticeKind.Left, $"removed from the group by {record.Name} ({IdentityFingerprint.FromDigest(committer)})", committer, book.OwnDigest));
                return;
            }

            Fork(group, $"a commit by {record.Name} could not be processed: {failure}");
            return;
        }

        if (next!.Tree.LeafCount > GroupBook.MembersMax)
        {
            next.Dispose();
            Fork(group, $"a commit by {record.Name} makes the group larger than {GroupBook.MembersMax} members");
            return;
        }

        // Another member won this epoch: this member's own commit, if any, can no longer be applied.
        if (group.Pending is not null && group.PendingIsUpdate)
        {
            RenewalLost(group);
        }

        group.Pending?.Discard();
        group.Pending = null;
        group.PendingIsUpdate = false;
        group.State = next;
        state.Dispose();
        Tell(group, changes, committer);
        book.Release(group);
    }

    public void Welcome(WelcomeRelayRecord record)
    {
        MemberGroup group = book.Get(record.Target);
        if (!GroupBook.TryDecode(record.Mls, out MlsMessage? message) || message.Welcome is not { } welcome)
        {
            book.Dropped(record.Target, $"a Welcome relayed from {record.Name} does not decode");
            return;
        }

        if (book.KeyPackages.FindFor(welcome) is not { } own)
        {
            book.Dropped(record.Target, $"a Welcome from {record.Name} is for none of this member's key packages");
            return;
        }

        if (!WelcomeJoin.TryJoin(Mls.CipherSuite.Suite1, welcome, own.KeyPackage, own.Secrets, null, _ => null, out GroupState? state, out string failure))
        {
            book.Dropped(record.Target, $"a Welcome from {record.Name} could not be opened: {failure}");
            return;
        }

        string? refusal = WelcomeRefusal(group, record, state!);
        if (refusal is not null)
        {
            state!.Dispose();
            book.Dropped(record.Target, $"a Welcome from {record.Name} was refused: {refusal}");
            return;
        }

        book.KeyPackages.Used(own);
        book.KeyPackagesChanged();
        bool missed = group.HadState;
        int outstanding = group.CommitsOutstanding;
        group.DropState();
        group.CommitsOutstanding = outstanding;
        group.State = state;
        group.HadState = true;
        group.AwaitingWelcome = false;
        group.KeyPackageRequested = false;
        group.LastUpdate = book.Time.GetUtcNow();
        group.SentSinceUpdate = 0;
        string joined = $"joined the group, added by {record.Name} ({IdentityFingerprint.FromDigest(record.Digest)})";
        book.Raise(new GroupNotice(group.Target, GroupNoticeKind.Joined, missed ? joined + "; messages sent while this member was out of the group could not be read" : joined, record.Digest.ToArray()));
        if (record.Target.IsRoom && book.Announced(record.Target.Room) is { } announced)
        {
            var inTree = TreeIdentities.HexDigests(state!.Tree).Where(hex => hex != Convert.ToHexStringLower(book.OwnDigest)).ToHashSet();
            var missing = announced.Except(inTree).ToList();
            var extra = inTree.Except(announced).ToList();
            if (missing.Count + extra.Count > 0)
            {
                book.Raise(new GroupNotice(group.Target, GroupNoticeKind.RosterMismatch,
                    $"the group's members differ from the room's: {Describe(missing, "not in the group")}{(missing.Count > 0 && extra.Count > 0 ? "; " : "")}{Describe(extra, "in the group but not in the room")}"));
            }
        }

        book.Flush(group);
    }

    private string? WelcomeRefusal(MemberGroup group, WelcomeRelayRecord record, GroupState state)
    {
        if (state.Tree.LeafCount > GroupBook.MembersMax)
        {
            return $"the group has more than {GroupBook.MembersMax} members";
        }

        if (TreeIdentities.LeafOf(state.Tree, record.Digest) is null)
        {
            return $"{record.Name} ({IdentityFingerprint.FromDigest(record.Digest)}) is not in the group";
        }

        if (record.Target.IsRoom)
        {
            return group.AnnouncedGroupId is { } id && !id.AsSpan().SequenceEqual(state.GroupId) ? "it is for another group than the room's" : null;
        }

        List<string> members = TreeIdentities.HexDigests(state.Tree);
        string self = Convert.ToHexStringLower(book.OwnDigest);
        string other = Convert.ToHexStringLower(record.Target.Digest!);
        return members.Count == 2 && members.Contains(self) && members.Contains(other)
            ? null
            : "a direct conversation's group holds exactly its two people";
    }

    private void Send(MemberGroup group, PendingCommit pending, bool update)
    {
        group.Pending = pending;
        group.PendingIsUpdate = update;
        group.CommitsOutstanding++;
        byte[] welcome = pending.Welcome is { } w ? MlsMessage.Of(w).Encode() : [];
        book.Outbox.SendCommit(new GroupCommitRecord(group.Target, pending.Commit.Encode(), welcome));
    }

    /// <summary>
    /// This member's leaf renewal lost to another commit: its count of texts starts again (renewed after another
    /// <see cref="GroupBook.UpdateAfterMessages"/>, not after every text), while the time since its last renewal stands,
    /// so a renewal due by time is tried again at the next tick.
    /// </summary>
    private static void RenewalLost(MemberGroup group) => group.SentSinceUpdate = 0;

    private void Fork(MemberGroup group, string why)
    {
        group.DropState();
        group.AwaitingWelcome = true;
        book.Raise(new GroupNotice(group.Target, GroupNoticeKind.Forked, $"{why}; this member's state of the group was dropped and a resync asked for"));
        book.Outbox.RequestResync(group.Target);
    }

    private void Tell(MemberGroup group, CommitChanges changes, byte[] committer)
    {
        foreach (byte[] added in changes.Added)
        {
            book.Raise(new GroupNotice(group.Target, GroupNoticeKind.MemberAdded, $"{IdentityFingerprint.FromDigest(added)} added by {IdentityFingerprint.FromDigest(committer)}", committer, added));
        }

        foreach (byte[] removed in changes.Removed)
        {
            book.Raise(new GroupNotice(group.Target, GroupNoticeKind.MemberRemoved, $"{IdentityFingerprint.FromDigest(removed)} removed by {IdentityFingerprint.FromDigest(committer)}", committer, removed));
        }
    }

    private static CommitChanges ChangesOf(GroupState state, MlsMessage commit) =>
        commit.PublicMessage is { Content.Commit: { } body } message
            ? CommitChanges.Read(state.Tree, message.Content.Sender.Index, body)
            : new CommitChanges(null, [], [], []);

    private static string Describe(List<string> hexDigests, string what) =>
        hexDigests.Count == 0 ? "" : string.Join(", ", hexDigests.Select(hex => IdentityFingerprint.FromDigest(Convert.FromHexString(hex)))) + " " + what;
}
