using SecureChat.Engine.Mls.Codec;

namespace SecureChat.Engine.Mls.Messages;

/// <summary>PreSharedKey (RFC 9420 section 12.1.4): injects a PSK into the next epoch. Immutable; thread-safe.</summary>
internal sealed record PreSharedKeyProposal(PreSharedKeyId Psk) : Proposal
{
    public override ProposalType Type => ProposalType.PreSharedKey;

    public override void WriteBody(MlsWriter w) => Psk.Write(w);

    public static PreSharedKeyProposal ReadBody(ref MlsReader r) => new(PreSharedKeyId.Read(ref r));
}
