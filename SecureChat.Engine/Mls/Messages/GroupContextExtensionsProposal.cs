using SecureChat.Engine.Mls.Codec;

namespace SecureChat.Engine.Mls.Messages;

/// <summary>
/// GroupContextExtensions (RFC 9420 section 12.1.7): replaces the group context's extensions. Immutable; thread-safe.
/// </summary>
internal sealed record GroupContextExtensionsProposal(IReadOnlyList<Extension> Extensions) : Proposal
{
    public override ProposalType Type => ProposalType.GroupContextExtensions;

    public override void WriteBody(MlsWriter w) => Messages.Extensions.Write(w, Extensions);

    public static GroupContextExtensionsProposal ReadBody(ref MlsReader r) => new(Messages.Extensions.Read(ref r));
}
