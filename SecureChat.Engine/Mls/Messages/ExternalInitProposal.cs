using SecureChat.Engine.Mls.Codec;

namespace SecureChat.Engine.Mls.Messages;

/// <summary>
/// ExternalInit (RFC 9420 section 12.1.6): the KEM output from which an external joiner and the group derive the
/// new epoch's init secret. Immutable; thread-safe.
/// </summary>
internal sealed record ExternalInitProposal(byte[] KemOutput) : Proposal
{
    public override ProposalType Type => ProposalType.ExternalInit;

    public override void WriteBody(MlsWriter w) => w.Opaque(KemOutput);

    public static ExternalInitProposal ReadBody(ref MlsReader r) => new(r.OpaqueArray());
}
