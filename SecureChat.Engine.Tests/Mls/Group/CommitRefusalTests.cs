using SecureChat.Engine.Mls;
using SecureChat.Engine.Mls.Group;
using SecureChat.Engine.Mls.Messages;

namespace SecureChat.Engine.Tests.Mls.Group;

/// <summary>
/// Commits and Welcomes a member must refuse (RFC 9420 sections 6.2, 12.2, 12.4.2, 12.4.3.1), made by an insider
/// who holds the epoch's membership key and its own signature key: each is refused with one reason, the member's
/// state is exactly as before (epoch, epoch authenticator, tree hash), and the genuine commit still applies after.
/// </summary>
public sealed class CommitRefusalTests : IDisposable
{
    private readonly GroupState _alice;
    private readonly GroupState _bob;
    private readonly PendingCommit _genuine;
    private readonly PublicMessage _message;

    public CommitRefusalTests()
    {
        var a = GroupMembers.NewClient("alice");
        var b = GroupMembers.NewClient("bob");
        GroupState creator = GroupCreation.Create(CipherSuite.Suite1, "room"u8.ToArray(), a.KeyPackage, a.Secrets, []);
        CommitBuilder.TryAddMembers(creator, [b.KeyPackage], GroupMembers.Now, out PendingCommit? add, out string failure).ShouldBeTrue(failure);
        _alice = add!.Merge();
        creator.Dispose();
        _bob = GroupMembers.Join(add.Welcome!, b);
        _genuine = CommitBuilder.SelfUpdate(_alice);
        _message = _genuine.Commit.PublicMessage!;
    }

    [Fact]
    public void A_commit_with_a_bad_signature_is_refused_and_changes_nothing()
    {
        byte[] signature = _message.Auth.Signature.ToArray();
        signature[5] ^= 1;
        RefusedAndUnchanged(GroupMembers.Forge(_alice, _message.Content, signature, _message.Auth.ConfirmationTag), "signature");
    }

    [Fact]
    public void A_commit_with_a_bad_confirmation_tag_is_refused_and_changes_nothing()
    {
        byte[] tag = _message.Auth.ConfirmationTag!.ToArray();
        tag[0] ^= 0x80;
        RefusedAndUnchanged(GroupMembers.Forge(_alice, _message.Content, _message.Auth.Signature, tag), "confirmation tag");
    }

    [Fact]
    public void A_commit_altered_in_transit_fails_the_membership_tag_before_any_signature_work()
    {
        byte[] tag = _message.MembershipTag!.ToArray();
        tag[^1] ^= 1;
        RefusedAndUnchanged(MlsMessage.Of(new PublicMessage(_message.Content, _message.Auth, tag)), "membership tag");
    }

    [Fact]
    public void A_commit_for_another_epoch_is_refused_and_changes_nothing()
    {
        var content = new FramedContent(_message.Content.GroupId, _bob.Epoch + 1, _message.Content.Sender, [], _message.Content.Commit!);
        RefusedAndUnchanged(GroupMembers.Forge(_alice, content, GroupMembers.Sign(_alice, content), _message.Auth.ConfirmationTag), "epoch");
    }

    [Fact]
    public void A_commit_naming_a_proposal_that_was_never_received_is_refused_and_changes_nothing()
    {
        var commit = new Commit([ProposalOrRef.ByReference(new byte[32])], _message.Content.Commit!.Path);
        var content = new FramedContent(_message.Content.GroupId, _bob.Epoch, _message.Content.Sender, [], commit);
        RefusedAndUnchanged(GroupMembers.Forge(_alice, content, GroupMembers.Sign(_alice, content), _message.Auth.ConfirmationTag), "was not received");
    }

    [Fact]
    public void A_commit_removing_the_committer_itself_is_refused_and_changes_nothing()
    {
        var commit = new Commit([ProposalOrRef.Inline(new RemoveProposal(_alice.OwnLeaf))], _message.Content.Commit!.Path);
        var content = new FramedContent(_message.Content.GroupId, _bob.Epoch, _message.Content.Sender, [], commit);
        RefusedAndUnchanged(GroupMembers.Forge(_alice, content, GroupMembers.Sign(_alice, content), _message.Auth.ConfirmationTag), "cannot remove itself");
    }

    [Fact]
    public void A_commit_changing_the_group_extensions_without_a_path_is_refused_and_changes_nothing()
    {
        var commit = new Commit([ProposalOrRef.Inline(new GroupContextExtensionsProposal([]))], null);
        var content = new FramedContent(_message.Content.GroupId, _bob.Epoch, _message.Content.Sender, [], commit);
        RefusedAndUnchanged(GroupMembers.Forge(_alice, content, GroupMembers.Sign(_alice, content), _message.Auth.ConfirmationTag), "no UpdatePath");
    }

    [Fact]
    public void A_commit_claiming_a_sender_outside_the_tree_is_refused_and_changes_nothing()
    {
        var content = new FramedContent(_message.Content.GroupId, _bob.Epoch, Sender.Member(9), [], _message.Content.Commit!);
        RefusedAndUnchanged(GroupMembers.Forge(_alice, content, GroupMembers.Sign(_alice, content), _message.Auth.ConfirmationTag), "not a member");
    }

    [Fact]
    public void A_welcome_for_other_clients_is_refused_with_a_reason()
    {
        var c = GroupMembers.NewClient("carol");
        var d = GroupMembers.NewClient("dave");
        CommitBuilder.TryAddMembers(_alice, [c.KeyPackage], GroupMembers.Now, out PendingCommit? add, out string failure).ShouldBeTrue(failure);
        WelcomeJoin.TryJoin(CipherSuite.Suite1, add!.Welcome!, d.KeyPackage, d.Secrets, null, _ => null, out GroupState? state, out failure).ShouldBeFalse();
        state.ShouldBeNull();
        failure.ShouldContain("not for this client");
        TestContext.Current.TestOutputHelper?.WriteLine($"dave: {failure}");
        add.Discard();
    }

    public void Dispose()
    {
        _genuine.Discard();
        _alice.Dispose();
        _bob.Dispose();
    }

    private void RefusedAndUnchanged(MlsMessage forged, string reason)
    {
        ulong epoch = _bob.Epoch;
        byte[] authenticator = _bob.EpochAuthenticator.ToArray();
        byte[] treeHash = _bob.Context.TreeHash.ToArray();
        CommitProcessor.TryProcess(_bob, forged, _ => null, GroupMembers.Now, out GroupState? next, out string failure).ShouldBeFalse();
        next.ShouldBeNull();
        failure.ShouldContain(reason);
        TestContext.Current.TestOutputHelper?.WriteLine($"refused: {failure}");
        _bob.Epoch.ShouldBe(epoch);
        _bob.EpochAuthenticator.ShouldBe(authenticator);
        _bob.Context.TreeHash.ShouldBe(treeHash);

        CommitProcessor.TryProcess(_bob, _genuine.Commit, _ => null, GroupMembers.Now, out next, out failure).ShouldBeTrue(failure);
        using GroupState alice = _genuine.Merge();
        next!.EpochAuthenticator.ShouldBe(alice.EpochAuthenticator);
        next.Dispose();
    }
}
