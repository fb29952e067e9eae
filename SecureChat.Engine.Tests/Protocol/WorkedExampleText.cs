using System.Text;

namespace SecureChat.Engine.Tests.Protocol;

/// <summary>How PROTOCOL.md's worked examples write their values: a labelled hex block, and the list of fixed draws.</summary>
internal static class WorkedExampleText
{
    /// <summary><c>label (N bytes):</c> then the hex, 32 bytes a line, indented by two spaces.</summary>
    internal static void Hex(StringBuilder text, string label, byte[] value)
    {
        text.Append(label).Append(" (").Append(value.Length).Append(" bytes):\n");
        string hex = Convert.ToHexString(value).ToLowerInvariant();
        for (int i = 0; i < hex.Length; i += 64)
        {
            text.Append("  ").Append(hex, i, Math.Min(64, hex.Length - i)).Append('\n');
        }
    }

    /// <summary>The fixed values drawn, with the rule that makes each from its name.</summary>
    internal static void AppendDraws(StringBuilder text, List<(string Name, byte[] Value)> draws, string title, string sources = "the two sides draw from separate sources")
    {
        text.Append(title).Append(" (each is the first L bytes of SHA-256(\"SecureChat v2 worked example \" || name),\n");
        text.Append("name being the ASCII label written before the value (for example `client hello nonce`), L the size drawn;\n");
        text.Append(sources).Append(", in the order listed for each):\n\n```\n");
        foreach ((string name, byte[] value) in draws)
        {
            Hex(text, name, value);
        }

        text.Append("```\n\n");
    }
}
