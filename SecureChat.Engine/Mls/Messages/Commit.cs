using SecureChat.Engine.Mls.Codec;

namespace SecureChat.Engine.Mls.Messages;

/// <summary>
/// Commit (RFC 9420 section 12.4): the proposals applied to start the next epoch (inline or by reference), and the
/// committer's UpdatePath when it refreshes its direct path. Immutable; thread-safe.
/// </summary>
internal sealed record Commit(IReadOnlyList<ProposalOrRef> Proposals, UpdatePath? Path)
{
    public void Write(MlsWriter w)
    {
        w.Vector(Proposals, static (w, p) => p.Write(w));
        w.Optional(Path, static (w, p) => p.Write(w));
    }

    public static Commit Read(ref MlsReader r) =>
        new(r.VectorOf(ProposalOrRef.Read), r.Optional(UpdatePath.Read));

    public byte[] Encode() => MlsWriter.Encode(Write);

    public static Commit Decode(ReadOnlySpan<byte> bytes)
    {
        MlsReader r = new(bytes);
        Commit value = Read(ref r);
        r.ExpectEnd();
        return value;
    }
}
