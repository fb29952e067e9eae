using System.Text.Json;
using SecureChat.Engine.Mls.Codec;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Mls;

/// <summary>
/// messages.json (MLS working group test vectors, RFC 9420): every field of every case decodes with its structure
/// and re-encodes to the same bytes.
/// </summary>
public sealed class MessagesVectorTests
{
    private const string File = "mls/messages.json";

    [Fact]
    public void Every_message_of_every_case_decodes_and_re_encodes_byte_for_byte()
    {
        using JsonDocument doc = VectorFiles.RequireJson(File, "MLS message encodings");
        List<string> failures = [];
        int cases = 0, checkedFields = 0;
        foreach (JsonElement test in doc.RootElement.EnumerateArray())
        {
            foreach ((string field, Func<byte[], object> decode, Func<object, byte[]> encode) in MessageDecoders.Fields)
            {
                byte[] expected = Hex.Bytes(test.GetProperty(field).GetString()!);
                try
                {
                    byte[] actual = encode(decode(expected));
                    if (!actual.AsSpan().SequenceEqual(expected))
                    {
                        failures.Add($"case {cases} {field}: re-encoded {actual.Length} bytes differ from the {expected.Length} given");
                    }
                }
                catch (MlsFormatException e)
                {
                    failures.Add($"case {cases} {field}: {e.Message}");
                }

                checkedFields++;
            }

            cases++;
        }

        VectorFiles.Report($"{File}: {cases} cases, {checkedFields} encodings decoded and re-encoded");
        failures.ShouldBeEmpty($"{failures.Count} failures, the first: {string.Join("; ", failures.Take(10))}");
        cases.ShouldBeGreaterThan(0);
    }
}
