using SecureChat.Engine.Mls.Codec;

namespace SecureChat.Engine.Mls.Messages;

/// <summary>
/// Proposal (RFC 9420 section 12.1): a proposal type, then the body of that type. Each kind is a subtype that writes
/// its own body (the structs Add, Update, Remove, PreSharedKey, ReInit, ExternalInit, GroupContextExtensions); a type
/// this implementation does not know is kept raw (<see cref="UnknownProposal"/>). Immutable; thread-safe.
/// </summary>
internal abstract record Proposal
{
    public abstract ProposalType Type { get; }

    /// <summary>The body alone, without the proposal type (the struct named after the kind).</summary>
    public abstract void WriteBody(MlsWriter w);

    public void Write(MlsWriter w)
    {
        w.U16((ushort)Type);
        WriteBody(w);
    }

    public static Proposal Read(ref MlsReader r)
    {
        ProposalType type = (ProposalType)r.U16();
        return type switch
        {
            ProposalType.Add => AddProposal.ReadBody(ref r),
            ProposalType.Update => UpdateProposal.ReadBody(ref r),
            ProposalType.Remove => RemoveProposal.ReadBody(ref r),
            ProposalType.PreSharedKey => PreSharedKeyProposal.ReadBody(ref r),
            ProposalType.ReInit => ReInitProposal.ReadBody(ref r),
            ProposalType.ExternalInit => ExternalInitProposal.ReadBody(ref r),
            ProposalType.GroupContextExtensions => GroupContextExtensionsProposal.ReadBody(ref r),
            _ => UnknownProposal.ReadBody(type, ref r),
        };
    }

    public byte[] Encode() => MlsWriter.Encode(Write);

    public static Proposal Decode(ReadOnlySpan<byte> bytes)
    {
        MlsReader r = new(bytes);
        Proposal value = Read(ref r);
        r.ExpectEnd();
        return value;
    }
}
