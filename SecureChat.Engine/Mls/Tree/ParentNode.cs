using SecureChat.Engine.Mls.Codec;

namespace SecureChat.Engine.Mls.Tree;

/// <summary>
/// RFC 9420 section 7.1, ParentNode: the HPKE public key shared by the leaves below the node, the parent hash
/// linking it to the next node above (section 7.9), and the sorted leaf indices below it that do not yet know its
/// private key ("unmerged" leaves, section 4.2). Mutable only while a tree is being changed (adding a leaf extends
/// <see cref="UnmergedLeaves"/>); not thread-safe. <see cref="Clone"/> gives a copy to change provisionally.
/// </summary>
internal sealed class ParentNode(byte[] encryptionKey, byte[] parentHash, List<uint> unmergedLeaves)
{
    public byte[] EncryptionKey { get; } = encryptionKey;

    public byte[] ParentHash { get; } = parentHash;

    /// <summary>Leaf indices, sorted increasing (section 7.1); validation refuses a tree where they are not.</summary>
    public List<uint> UnmergedLeaves { get; } = unmergedLeaves;

    public ParentNode Clone() => new(EncryptionKey, ParentHash, [.. UnmergedLeaves]);

    public void Write(MlsWriter w)
    {
        w.Opaque(EncryptionKey);
        w.Opaque(ParentHash);
        w.Vector(UnmergedLeaves, static (v, leaf) => v.U32(leaf));
    }

    public static ParentNode Read(ref MlsReader r)
    {
        byte[] encryptionKey = r.OpaqueArray();
        byte[] parentHash = r.OpaqueArray();
        List<uint> unmerged = r.VectorOf(static (ref MlsReader v) => v.U32());
        return new ParentNode(encryptionKey, parentHash, unmerged);
    }
}
