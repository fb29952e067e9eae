using SecureChat.Engine.Mls.Codec;

namespace SecureChat.Engine.Mls.Messages;

/// <summary>
/// ProposalOrRef (RFC 9420 section 12.4): a proposal carried inline in a Commit, or the ProposalRef (section 5.2) of
/// one sent before in the epoch. Exactly one of <see cref="Proposal"/> and <see cref="Reference"/> is set.
/// Immutable; thread-safe.
/// </summary>
internal sealed record ProposalOrRef
{
    private const byte ProposalTag = 1;
    private const byte ReferenceTag = 2;

    private ProposalOrRef(Proposal? proposal, byte[]? reference)
    {
        Proposal = proposal;
        Reference = reference;
    }

    public Proposal? Proposal { get; }

    public byte[]? Reference { get; }

    public static ProposalOrRef Inline(Proposal proposal) => new(proposal, null);

    public static ProposalOrRef ByReference(byte[] reference) => new(null, reference);

    public void Write(MlsWriter w)
    {
        if (Proposal is not null)
        {
            w.U8(ProposalTag);
            Proposal.Write(w);
        }
        else
        {
            w.U8(ReferenceTag);
            w.Opaque(Reference!);
        }
    }

    public static ProposalOrRef Read(ref MlsReader r)
    {
        byte tag = r.U8();
        return tag switch
        {
            ProposalTag => Inline(Proposal.Read(ref r)),
            ReferenceTag => ByReference(r.OpaqueArray()),
            _ => throw new MlsFormatException($"unknown ProposalOrRef type {tag}"),
        };
    }
}
