using SecureChat.Engine.Mls.Messages;

namespace SecureChat.Engine.Mls.Group;

/// <summary>
/// A proposal a commit applies (RFC 9420 section 12.4): the proposal and who proposed it (the committer for one
/// carried inline, the sender of the proposal message for one named by ProposalRef). Immutable; thread-safe.
/// </summary>
internal sealed record ReceivedProposal(Proposal Proposal, Sender Sender);
