using SecureChat.Engine.Mls;
using SecureChat.Engine.Mls.Group;
using SecureChat.Engine.Mls.Messages;

namespace SecureChat.Engine.Tests.Mls.Group;

/// <summary>
/// Proposals sent as messages and committed by reference (RFC 9420 sections 5.2, 12.4): a member proposes, another
/// commits the proposals it received by ProposalRef, and every member, proposer included, follows; a proposal
/// altered in transit is refused.
/// </summary>
public sealed class ProposalByReferenceTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_removal_and_an_add_proposed_by_one_member_and_committed_by_reference_by_another_are_followed_by_all(bool encrypted)
    {
        WireFormat wireFormat = encrypted ? WireFormat.PrivateMessage : WireFormat.PublicMessage;
        var d = GroupMembers.NewClient("dave");
        GroupState[] group = GroupMembers.NewGroup("alice", "bob", "carol");
        (GroupState alice, GroupState bob, GroupState carol) = (group[0], group[1], group[2]);
        string failure;

        MlsMessage removeCarol = ProposalBuilder.ProposeRemove(bob, carol.OwnLeaf, wireFormat);
        MlsMessage addDave = ProposalBuilder.ProposeAdd(bob, d.KeyPackage, wireFormat);
        foreach (MlsMessage proposal in new[] { removeCarol, addDave })
        {
            CommitProcessor.TryReceiveProposal(alice, proposal, out failure).ShouldBeTrue(failure);
            CommitProcessor.TryReceiveProposal(carol, proposal, out failure).ShouldBeTrue(failure);
        }

        CommitBuilder.TryCommitReceived(alice, GroupMembers.Now, out PendingCommit? commit, out failure, wireFormat).ShouldBeTrue(failure);
        commit!.Commit.WireFormat.ShouldBe(wireFormat);
        bob = GroupMembers.Process(bob, commit.Commit);
        CommitProcessor.TryProcess(carol, commit.Commit, _ => null, GroupMembers.Now, out _, out failure).ShouldBeFalse();
        failure.ShouldContain("removed");
        GroupState old = alice;
        alice = commit.Merge();
        old.Dispose();
        using GroupState dave = GroupMembers.Join(commit.Welcome!, d);
        bob.EpochAuthenticator.ShouldBe(alice.EpochAuthenticator);
        dave.EpochAuthenticator.ShouldBe(alice.EpochAuthenticator);
        dave.OwnLeaf.ShouldBe(2u);
        alice.Tree.OccupiedLeaves().ShouldBe([0u, 1u, 2u]);

        alice.Dispose();
        bob.Dispose();
        carol.Dispose();
    }

    [Fact]
    public void A_proposal_altered_in_transit_is_not_remembered_and_a_commit_naming_it_is_refused()
    {
        GroupState[] group = GroupMembers.NewGroup("alice", "bob", "carol");
        GroupState alice = group[0];
        using GroupState bob = group[1];
        using GroupState carol = group[2];
        string failure;

        PublicMessage proposal = ProposalBuilder.ProposeRemove(bob, carol.OwnLeaf).PublicMessage!;
        var altered = new PublicMessage(
            new FramedContent(proposal.Content.GroupId, proposal.Content.Epoch, proposal.Content.Sender, [], new RemoveProposal(alice.OwnLeaf)),
            proposal.Auth,
            proposal.MembershipTag);
        CommitProcessor.TryReceiveProposal(carol, MlsMessage.Of(altered), out failure).ShouldBeFalse();
        TestContext.Current.TestOutputHelper?.WriteLine($"altered proposal: {failure}");
        carol.ReceivedProposals.Count.ShouldBe(0);

        CommitProcessor.TryReceiveProposal(alice, MlsMessage.Of(proposal), out failure).ShouldBeTrue(failure);
        CommitBuilder.TryCommitReceived(alice, GroupMembers.Now, out PendingCommit? commit, out failure).ShouldBeTrue(failure);
        CommitProcessor.TryProcess(carol, commit!.Commit, _ => null, GroupMembers.Now, out _, out failure).ShouldBeFalse();
        failure.ShouldContain("was not received");
        commit.Discard();
        alice.Dispose();
    }
}
