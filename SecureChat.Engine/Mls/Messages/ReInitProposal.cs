using SecureChat.Engine.Mls.Codec;

namespace SecureChat.Engine.Mls.Messages;

/// <summary>
/// ReInit (RFC 9420 section 12.1.5): ends the group and names the one that replaces it. The version and cipher
/// suite are kept as numbers (a reinitialisation may name ones this implementation does not speak; the group layer
/// decides). Immutable; thread-safe.
/// </summary>
internal sealed record ReInitProposal(byte[] GroupId, ushort Version, ushort CipherSuite, IReadOnlyList<Extension> Extensions) : Proposal
{
    public override ProposalType Type => ProposalType.ReInit;

    public override void WriteBody(MlsWriter w)
    {
        w.Opaque(GroupId);
        w.U16(Version);
        w.U16(CipherSuite);
        Messages.Extensions.Write(w, Extensions);
    }

    public static ReInitProposal ReadBody(ref MlsReader r) =>
        new(r.OpaqueArray(), r.U16(), r.U16(), Messages.Extensions.Read(ref r));
}
