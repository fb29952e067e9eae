using System.Text.Json;
using SecureChat.Engine.Mls.Codec;
using SecureChat.Engine.Mls.Tree;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Mls;

/// <summary>
/// The ratchet_tree extension's decoder (RFC 9420 section 12.4.3.3) on bytes a peer controls: every malformed form
/// is an <see cref="MlsFormatException"/>, never another exception, and never a tree.
/// </summary>
public sealed class RatchetTreeCodecTests
{
    [Fact]
    public void Trailing_blank_nodes_are_not_encoded_and_the_decoder_pads_to_a_full_tree()
    {
        RatchetTree tree = RatchetTreeTests.TreeOf(4);
        tree.RemoveLeaf(3);
        tree.LeafCount.ShouldBe(4u);
        byte[] encoded = RatchetTreeCodec.Encode(tree);
        RatchetTree decoded = RatchetTreeCodec.Decode(encoded);
        decoded.LeafCount.ShouldBe(4u);
        decoded.IsBlank(6).ShouldBeTrue();
        RatchetTreeCodec.Encode(decoded).ShouldBe(encoded);
        Nodes(encoded).ShouldBe(5);
    }

    [Fact]
    public void Every_ratchet_tree_of_the_published_messages_round_trips_byte_for_byte()
    {
        using JsonDocument doc = VectorFiles.RequireJson("mls/messages.json", "MLS messages");
        int cases = 0, index = -1;
        var failures = new List<string>();
        foreach (JsonElement entry in doc.RootElement.EnumerateArray())
        {
            index++;
            cases++;
            byte[] encoded = Hex.Bytes(entry.GetProperty("ratchet_tree").GetString()!);
            if (!RatchetTreeCodec.Encode(RatchetTreeCodec.Decode(encoded)).AsSpan().SequenceEqual(encoded))
            {
                failures.Add($"case {index}: the ratchet tree re-encodes differently");
            }
        }

        VectorFiles.Report($"mls/messages.json: {cases} ratchet trees round-tripped");
        failures.ShouldBeEmpty();
        cases.ShouldBeGreaterThan(0);
    }

    [Fact]
    public void Every_truncation_of_a_published_tree_is_refused_as_malformed()
    {
        foreach (int index in new[] { 2, 13 })
        {
            (RatchetTree tree, _) = TreeValidatorTests.Load(index);
            byte[] encoded = RatchetTreeCodec.Encode(tree);
            for (int length = 0; length < encoded.Length; length++)
            {
                Should.Throw<MlsFormatException>(() => RatchetTreeCodec.Decode(encoded.AsSpan(0, length)));
            }

            Should.Throw<MlsFormatException>(() => RatchetTreeCodec.Decode([.. encoded, 0]));
        }
    }

    [Fact]
    public void Empty_trees_trailing_blanks_misplaced_and_unknown_node_types_are_refused()
    {
        byte[] leaf = RatchetTreeTests.Leaf(1).Encode();
        Refused([]).ShouldBe("an empty ratchet tree");
        Refused([1, 1, .. leaf, 0]).ShouldBe("a ratchet tree ending in a blank node");
        Refused([1, 2, .. leaf]).ShouldBe("node 0 of a ratchet tree has the wrong node type 2");
        Refused([1, 1, .. leaf, 1, 1, .. leaf]).ShouldBe("node 1 of a ratchet tree has the wrong node type 1");
        Refused([1, 3, .. leaf]).ShouldBe("unknown node type 3 at node 0 of a ratchet tree");
        Refused([2, 1, .. leaf]).ShouldBe("a Boolean must be 0 or 1, not 2");
    }

    [Fact]
    public void A_tree_wider_than_the_leaf_limit_is_refused_before_the_rest_is_read()
    {
        int blanks = (int)(2 * RatchetTree.MaxLeafCount - 1);
        byte[] content = [.. new byte[blanks], 1, 1, .. RatchetTreeTests.Leaf(1).Encode()];
        Refused(content).ShouldBe($"a ratchet tree wider than {RatchetTree.MaxLeafCount} leaves");

        byte[] widest = [.. new byte[blanks - 1], 1, 1, .. RatchetTreeTests.Leaf(1).Encode()];
        RatchetTreeCodec.Decode(MlsWriter.Encode(w => w.Opaque(widest))).LeafCount.ShouldBe(RatchetTree.MaxLeafCount);
    }

    private static string Refused(byte[] content) =>
        Should.Throw<MlsFormatException>(() => RatchetTreeCodec.Decode(MlsWriter.Encode(w => w.Opaque(content)))).Message;

    private static int Nodes(byte[] encoded)
    {
        var reader = new MlsReader(encoded);
        MlsReader inner = reader.Vector();
        int count = 0;
        while (!inner.End)
        {
            count++;
            if (inner.Bool())
            {
                inner.U8();
                if (count % 2 == 1)
                {
                    SecureChat.Engine.Mls.Messages.LeafNode.Read(ref inner);
                }
                else
                {
                    ParentNode.Read(ref inner);
                }
            }
        }

        return count;
    }
}
