using SecureChat.Engine.Mls;
using SecureChat.Engine.Mls.Group;
using SecureChat.Engine.Mls.Messages;

namespace SecureChat.Engine.Tests.Mls.Group;

/// <summary>
/// Three clients run a group with the project's code alone (RFC 9420 sections 11, 12.4): creation, a commit adding
/// two members with a Welcome, a removal, a self update; after every step all members agree on the epoch
/// authenticator, and a removed member cannot follow.
/// </summary>
public sealed class GroupLifecycleTests
{
    [Fact]
    public void Three_members_created_added_removed_and_updated_agree_on_every_epoch_and_the_removed_member_is_left_out()
    {
        CipherSuite suite = CipherSuite.Suite1;
        var a = GroupMembers.NewClient("alice");
        var b = GroupMembers.NewClient("bob");
        var c = GroupMembers.NewClient("carol");
        GroupState alice = GroupCreation.Create(suite, "room"u8.ToArray(), a.KeyPackage, a.Secrets, []);
        alice.Epoch.ShouldBe(0UL);

        CommitBuilder.TryAddMembers(alice, [b.KeyPackage, c.KeyPackage], GroupMembers.Now, out PendingCommit? add, out string failure).ShouldBeTrue(failure);
        add!.Welcome.ShouldNotBeNull();
        GroupState aliceBefore = alice;
        alice = add.Merge();
        aliceBefore.Dispose();
        GroupState bob = GroupMembers.Join(add.Welcome, b);
        GroupState carol = GroupMembers.Join(add.Welcome, c);
        alice.Epoch.ShouldBe(1UL);
        bob.EpochAuthenticator.ShouldBe(alice.EpochAuthenticator);
        carol.EpochAuthenticator.ShouldBe(alice.EpochAuthenticator);
        (bob.OwnLeaf, carol.OwnLeaf).ShouldBe((1u, 2u));
        TestContext.Current.TestOutputHelper?.WriteLine($"epoch 1: 3 members, Welcome {add.Welcome.Encode().Length} bytes, commit {add.Commit.Encode().Length} bytes");

        CommitBuilder.TryRemoveMembers(alice, [carol.OwnLeaf], out PendingCommit? remove, out failure).ShouldBeTrue(failure);
        bob = GroupMembers.Process(bob, remove!.Commit);
        CommitProcessor.TryProcess(carol, remove.Commit, _ => null, GroupMembers.Now, out GroupState? carolNext, out string carolFailure).ShouldBeFalse();
        carolNext.ShouldBeNull();
        carolFailure.ShouldContain("removed");
        alice = MergeAndDispose(alice, remove);
        bob.EpochAuthenticator.ShouldBe(alice.EpochAuthenticator);
        bob.Tree.OccupiedLeaves().ShouldBe([0u, 1u]);
        TestContext.Current.TestOutputHelper?.WriteLine($"epoch 2: carol's view of the commit: {carolFailure}");

        PendingCommit update = CommitBuilder.SelfUpdate(bob);
        alice = GroupMembers.Process(alice, update.Commit);
        byte[] oldLeafKey = bob.Tree.GetLeaf(bob.OwnLeaf)!.EncryptionKey;
        bob = MergeAndDispose(bob, update);
        alice.EpochAuthenticator.ShouldBe(bob.EpochAuthenticator);
        alice.Epoch.ShouldBe(3UL);
        bob.Tree.GetLeaf(bob.OwnLeaf)!.EncryptionKey.ShouldNotBe(oldLeafKey);
        carol.Epoch.ShouldBe(1UL);

        alice.Dispose();
        bob.Dispose();
        carol.Dispose();
    }

    [Fact]
    public void A_discarded_pending_commit_leaves_the_committer_in_its_epoch_able_to_follow_the_winning_commit()
    {
        GroupState[] group = GroupMembers.NewGroup("alice", "bob");
        (GroupState alice, GroupState bob) = (group[0], group[1]);

        PendingCommit lost = CommitBuilder.SelfUpdate(alice);
        PendingCommit won = CommitBuilder.SelfUpdate(bob);
        lost.Discard();
        Should.Throw<InvalidOperationException>(() => lost.Merge());
        alice = GroupMembers.Process(alice, won.Commit);
        bob = MergeAndDispose(bob, won);
        alice.EpochAuthenticator.ShouldBe(bob.EpochAuthenticator);
        alice.Dispose();
        bob.Dispose();
    }

    [Fact]
    public void A_commit_sent_as_a_private_message_is_followed_by_the_other_member_and_hides_its_proposals()
    {
        GroupState[] group = GroupMembers.NewGroup("alice", "bob");
        (GroupState alice, GroupState bob) = (group[0], group[1]);

        PendingCommit update = CommitBuilder.SelfUpdate(alice, WireFormat.PrivateMessage);
        update.Commit.WireFormat.ShouldBe(WireFormat.PrivateMessage);
        update.Commit.PrivateMessage!.ContentType.ShouldBe(ContentType.Commit);
        bob = GroupMembers.Process(bob, update.Commit);
        alice = MergeAndDispose(alice, update);
        bob.EpochAuthenticator.ShouldBe(alice.EpochAuthenticator);
        bob.Epoch.ShouldBe(2UL);
        alice.Dispose();
        bob.Dispose();
    }

    private static GroupState MergeAndDispose(GroupState current, PendingCommit pending)
    {
        GroupState next = pending.Merge();
        current.Dispose();
        return next;
    }
}
