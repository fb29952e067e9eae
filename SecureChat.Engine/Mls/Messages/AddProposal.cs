using SecureChat.Engine.Mls.Codec;

namespace SecureChat.Engine.Mls.Messages;

/// <summary>Add (RFC 9420 section 12.1.1): adds the client of a key package. Immutable; thread-safe.</summary>
internal sealed record AddProposal(KeyPackage KeyPackage) : Proposal
{
    public override ProposalType Type => ProposalType.Add;

    public override void WriteBody(MlsWriter w) => KeyPackage.Write(w);

    public static AddProposal ReadBody(ref MlsReader r) => new(KeyPackage.Read(ref r));
}
