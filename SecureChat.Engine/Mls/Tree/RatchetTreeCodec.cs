using SecureChat.Engine.Mls.Codec;
using SecureChat.Engine.Mls.Messages;

namespace SecureChat.Engine.Mls.Tree;

/// <summary>
/// RFC 9420 section 12.4.3.3, the ratchet_tree extension: <c>optional&lt;Node&gt; ratchet_tree&lt;V&gt;</c>, the node
/// array in index order with no blank nodes after the last non-blank one; each Node is a NodeType (leaf 1,
/// parent 2) then the LeafNode or ParentNode. The decoder refuses (with <see cref="MlsFormatException"/>) an empty
/// tree, a trailing blank node, a leaf at an odd index or a parent at an even one, and a tree wider than
/// <see cref="RatchetTree.MaxLeafCount"/> leaves (checked as the nodes are read, before the rest is parsed).
/// Thread-safe (stateless).
/// </summary>
internal static class RatchetTreeCodec
{
    private const byte LeafType = 1;
    private const byte ParentType = 2;
    private const int MaxNodeCount = (int)(2 * RatchetTree.MaxLeafCount - 1);

    public static byte[] Encode(RatchetTree tree) => MlsWriter.Encode(w => Write(w, tree));

    public static RatchetTree Decode(ReadOnlySpan<byte> input)
    {
        var reader = new MlsReader(input);
        RatchetTree tree = Read(ref reader);
        reader.ExpectEnd();
        return tree;
    }

    public static void Write(MlsWriter w, RatchetTree tree)
    {
        uint last = tree.NodeCount - 1;
        while (last > 0 && tree.IsBlank(last))
        {
            last--;
        }

        w.Vector(v =>
        {
            for (uint i = 0; i <= last; i++)
            {
                if (tree.IsBlank(i))
                {
                    v.Bool(false);
                    continue;
                }

                v.Bool(true);
                if (TreeMath.IsLeaf(i))
                {
                    v.U8(LeafType);
                    tree.GetLeaf(i / 2)!.Write(v);
                }
                else
                {
                    v.U8(ParentType);
                    tree.GetParent(i)!.Write(v);
                }
            }
        });
    }

    public static RatchetTree Read(ref MlsReader r)
    {
        MlsReader inner = r.Vector();
        var nodes = new List<object?>();
        while (!inner.End)
        {
            if (nodes.Count == MaxNodeCount)
            {
                throw new MlsFormatException($"a ratchet tree wider than {RatchetTree.MaxLeafCount} leaves");
            }

            bool isLeafIndex = nodes.Count % 2 == 0;
            if (!inner.Bool())
            {
                nodes.Add(null);
                continue;
            }

            byte type = inner.U8();
            object node = (type, isLeafIndex) switch
            {
                (LeafType, true) => LeafNode.Read(ref inner),
                (ParentType, false) => ParentNode.Read(ref inner),
                (LeafType or ParentType, _) => throw new MlsFormatException($"node {nodes.Count} of a ratchet tree has the wrong node type {type}"),
                _ => throw new MlsFormatException($"unknown node type {type} at node {nodes.Count} of a ratchet tree"),
            };
            nodes.Add(node);
        }

        if (nodes.Count == 0)
        {
            throw new MlsFormatException("an empty ratchet tree");
        }

        if (nodes[^1] is null)
        {
            throw new MlsFormatException("a ratchet tree ending in a blank node");
        }

        return RatchetTree.FromNodes(nodes);
    }
}
