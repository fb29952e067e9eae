using SecureChat.Engine.Mls.Codec;

namespace SecureChat.Engine.Mls.Messages;

/// <summary>Remove (RFC 9420 section 12.1.3): removes the member at a leaf index. Immutable; thread-safe.</summary>
internal sealed record RemoveProposal(uint Removed) : Proposal
{
    public override ProposalType Type => ProposalType.Remove;

    public override void WriteBody(MlsWriter w) => w.U32(Removed);

    public static RemoveProposal ReadBody(ref MlsReader r) => new(r.U32());
}
