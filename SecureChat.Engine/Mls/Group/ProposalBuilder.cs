using SecureChat.Engine.Mls.Framing;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Mls.Schedule;

namespace SecureChat.Engine.Mls.Group;

/// <summary>
/// A member proposing a change for a later commit (RFC 9420 sections 12.1 and 12.4): the proposal is signed with the
/// epoch's GroupContext and sent as a PublicMessage with the membership tag or as a PrivateMessage under the
/// handshake ratchet; the proposer remembers it under its ProposalRef, so that a commit naming it can be processed
/// (or made) by the proposer too. Only Remove and Add are proposed here: an Update proposal would need its new leaf key
/// kept until some other member commits it. Not thread-safe (the state's proposals and ratchet change).
/// </summary>
internal static class ProposalBuilder
{
    public static MlsMessage ProposeRemove(GroupState state, uint leaf, WireFormat wireFormat = WireFormat.PublicMessage)
    {
        if (leaf == state.OwnLeaf || state.Tree.GetLeaf(leaf) is null)
        {
            throw new ArgumentException($"leaf {leaf} is not another member", nameof(leaf));
        }

        return Propose(state, new RemoveProposal(leaf), wireFormat);
    }

    public static MlsMessage ProposeAdd(GroupState state, KeyPackage keyPackage, WireFormat wireFormat = WireFormat.PublicMessage) =>
        Propose(state, new AddProposal(keyPackage), wireFormat);

    private static MlsMessage Propose(GroupState state, Proposal proposal, WireFormat wireFormat)
    {
        CipherSuite suite = state.Suite;
        var content = new FramedContent(state.GroupId, state.Epoch, Sender.Member(state.OwnLeaf), [], proposal);
        AuthenticatedContent authenticated = ContentSignature.Authenticate(suite, state.SignaturePrivateKey, wireFormat, content, state.Context);
        if (!state.RememberProposal(authenticated.ProposalRef(suite), new ReceivedProposal(proposal, content.Sender)))
        {
            throw new InvalidOperationException($"the epoch already holds {GroupState.ProposalsMax} proposals");
        }

        if (wireFormat == WireFormat.PublicMessage)
        {
            return MlsMessage.Of(PublicMessageProtection.Protect(suite, authenticated, state.Context, state.Secrets.MembershipKey));
        }

        using RatchetKey key = state.SecretTree.NextKey(state.OwnLeaf, RatchetKind.Handshake);
        return MlsMessage.Of(PrivateMessageProtection.Protect(suite, authenticated, state.Secrets.SenderDataSecret, key.Generation, key.Key, key.Nonce));
    }
}
