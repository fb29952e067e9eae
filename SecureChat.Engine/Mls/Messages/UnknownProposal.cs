using SecureChat.Engine.Mls.Codec;

namespace SecureChat.Engine.Mls.Messages;

/// <summary>
/// A proposal of a type this implementation does not know (RFC 9420 section 12.1.8 and the GREASE rules of section
/// 13.5). The RFC gives such a body no layout; it is read as one opaque&lt;V&gt; block, the convention existing
/// implementations use for application-defined proposals, and kept raw so it round-trips. Whether a group accepts
/// it is decided against the members' capabilities, not here. Immutable; thread-safe.
/// </summary>
internal sealed record UnknownProposal(ProposalType ProposalType, byte[] Data) : Proposal
{
    public override ProposalType Type => ProposalType;

    public override void WriteBody(MlsWriter w) => w.Opaque(Data);

    public static UnknownProposal ReadBody(ProposalType type, ref MlsReader r) => new(type, r.OpaqueArray());
}
