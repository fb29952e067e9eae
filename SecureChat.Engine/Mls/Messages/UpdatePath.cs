using SecureChat.Engine.Mls.Codec;

namespace SecureChat.Engine.Mls.Messages;

/// <summary>
/// UpdatePath (RFC 9420 section 7.6): the committer's new leaf node (source commit) and one node per entry of its
/// filtered direct path. Immutable; thread-safe.
/// </summary>
internal sealed record UpdatePath(LeafNode LeafNode, IReadOnlyList<UpdatePathNode> Nodes)
{
    public void Write(MlsWriter w)
    {
        LeafNode.Write(w);
        w.Vector(Nodes, static (w, n) => n.Write(w));
    }

    public static UpdatePath Read(ref MlsReader r) => new(LeafNode.Read(ref r), r.VectorOf(UpdatePathNode.Read));

    public byte[] Encode() => MlsWriter.Encode(Write);

    public static UpdatePath Decode(ReadOnlySpan<byte> bytes)
    {
        MlsReader r = new(bytes);
        UpdatePath value = Read(ref r);
        r.ExpectEnd();
        return value;
    }
}
