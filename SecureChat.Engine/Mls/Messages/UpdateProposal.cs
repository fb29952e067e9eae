using SecureChat.Engine.Mls.Codec;

namespace SecureChat.Engine.Mls.Messages;

/// <summary>Update (RFC 9420 section 12.1.2): the sender's new leaf node (source update). Immutable; thread-safe.</summary>
internal sealed record UpdateProposal(LeafNode LeafNode) : Proposal
{
    public override ProposalType Type => ProposalType.Update;

    public override void WriteBody(MlsWriter w) => LeafNode.Write(w);

    public static UpdateProposal ReadBody(ref MlsReader r) => new(LeafNode.Read(ref r));
}
