using System.Text.Json;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Mls;

/// <summary>
/// Reads the shapes every MLS working group vector file shares: an array of cases, each with a cipher_suite, whose
/// byte fields are lowercase hex strings.
/// </summary>
internal static class MlsVectorJson
{
    /// <summary>The cases of cipher suite 1, each with its index in the file (as the reports name it).</summary>
    public static IEnumerable<(int Index, JsonElement Entry)> Suite1Cases(JsonDocument doc) =>
        doc.RootElement.EnumerateArray()
            .Select((entry, index) => (index, entry))
            .Where(c => c.entry.GetProperty("cipher_suite").GetUInt16() == 1);

    /// <summary>The bytes of the hex string field <paramref name="name"/>.</summary>
    public static byte[] Bytes(JsonElement element, string name) => Hex.Bytes(element.GetProperty(name).GetString()!);

    /// <summary>The hex string field <paramref name="name"/>, lowercased, to compare with <see cref="Hex.Of"/>.</summary>
    public static string Text(JsonElement element, string name) => element.GetProperty(name).GetString()!.ToLowerInvariant();
}
