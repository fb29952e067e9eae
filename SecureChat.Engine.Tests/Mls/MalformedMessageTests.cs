using System.Text.Json;
using SecureChat.Engine.Mls.Codec;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Mls;

/// <summary>
/// Bad bytes never throw anything but <see cref="MlsFormatException"/> from the wire structs (RFC 9420 section 2.1):
/// every truncation of a published encoding, a byte too many, and closed enumerations out of range.
/// </summary>
public sealed class MalformedMessageTests
{
    private const string File = "mls/messages.json";

    public static TheoryData<string> Fields() => new(MessageDecoders.Fields.Select(f => f.Field));

    [Theory]
    [MemberData(nameof(Fields))]
    public void Every_truncation_of_a_published_encoding_is_refused_as_malformed(string field)
    {
        byte[] full = FirstEncoding(field);
        Func<byte[], object> decode = MessageDecoders.Decoder(field);
        int refused = 0;
        for (int length = 0; length < full.Length; length++)
        {
            byte[] prefix = full[..length];
            Should.Throw<MlsFormatException>(() => decode(prefix), $"{field} cut to {length} of {full.Length} bytes");
            refused++;
        }

        VectorFiles.Report($"{field}: {refused} truncations refused");
        refused.ShouldBeGreaterThan(0);
    }

    [Theory]
    [MemberData(nameof(Fields))]
    public void A_published_encoding_with_a_byte_appended_is_refused(string field)
    {
        byte[] longer = [.. FirstEncoding(field), 0];
        Should.Throw<MlsFormatException>(() => MessageDecoders.Decoder(field)(longer));
    }

    [Theory]
    [MemberData(nameof(Fields))]
    public void Every_byte_of_a_published_encoding_altered_either_decodes_or_is_refused_as_malformed(string field)
    {
        byte[] full = FirstEncoding(field);
        Func<byte[], object> decode = MessageDecoders.Decoder(field);
        int decoded = 0, refused = 0;
        foreach (byte mask in new byte[] { 0x01, 0x40, 0x80, 0xFF })
        {
            for (int i = 0; i < full.Length; i++)
            {
                byte[] altered = (byte[])full.Clone();
                altered[i] ^= mask;
                try
                {
                    decode(altered);
                    decoded++;
                }
                catch (MlsFormatException)
                {
                    refused++;
                }
                catch (ShouldAssertException)
                {
                    // The vector's wire format or content type changed into another valid one: not what the field holds.
                    refused++;
                }
            }
        }

        // Any other exception escapes and fails the test; a u32 (a Remove) has no invalid value, so none may be refused.
        VectorFiles.Report($"{field}: {decoded + refused} alterations, {decoded} still decode, {refused} refused as malformed");
        (decoded + refused).ShouldBe(full.Length * 4);
    }

    [Fact]
    public void A_leaf_node_source_outside_the_three_defined_is_refused()
    {
        byte[] leaf = FirstEncoding("update_proposal");
        LeafNode node = LeafNode.Decode(leaf);
        int sourceOffset = MlsWriter.Encode(w =>
        {
            w.Opaque(node.EncryptionKey);
            w.Opaque(node.SignatureKey);
            node.Credential.Write(w);
            node.Capabilities.Write(w);
        }).Length;
        leaf[sourceOffset].ShouldBe((byte)LeafNodeSource.Update);
        leaf[sourceOffset] = 4;
        Should.Throw<MlsFormatException>(() => LeafNode.Decode(leaf)).Message.ShouldContain("leaf node source 4");
    }

    private static byte[] FirstEncoding(string field)
    {
        using JsonDocument doc = VectorFiles.RequireJson(File, "MLS message encodings");
        return Hex.Bytes(doc.RootElement[0].GetProperty(field).GetString()!);
    }
}
