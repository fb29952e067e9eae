using System.Text.Json;
using SecureChat.Engine.Mls.Codec;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Mls;

/// <summary>The MLS working group's deserialization.json (variable-length vector headers, RFC 9420 section 2.1.2).</summary>
public sealed class DeserializationVectorTests
{
    [Fact]
    public void Every_published_vector_header_decodes_to_its_length_and_encodes_back_to_the_same_bytes()
    {
        using JsonDocument doc = VectorFiles.RequireJson("mls/deserialization.json", "MLS variable-length headers");
        int index = 0;
        foreach (JsonElement entry in doc.RootElement.EnumerateArray())
        {
            byte[] header = Hex.Bytes(entry.GetProperty("vlbytes_header").GetString()!);
            uint expected = entry.GetProperty("length").GetUInt32();

            MlsReader reader = new(header);
            uint decoded = reader.VarInt();
            reader.End.ShouldBeTrue($"case {index}: the header has bytes after its varint");
            decoded.ShouldBe(expected, $"case {index}");
            MlsWriter.Encode(w => w.VarInt(expected)).ShouldBe(header, $"case {index}: encoding the length");
            index++;
        }

        index.ShouldBeGreaterThan(0);
        VectorFiles.Report($"deserialization.json: {index} headers decoded and re-encoded");
    }
}
