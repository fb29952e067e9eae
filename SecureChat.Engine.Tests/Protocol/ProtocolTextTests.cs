using System.Text.RegularExpressions;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Protocol;

/// <summary>
/// PROTOCOL.md is the contract a peer in another language is written from: it states rules, never where the code
/// keeps them, and says which version it is and what changed.
/// </summary>
public sealed partial class ProtocolTextTests
{
    private static readonly string s_text = File.ReadAllText(Path.Combine(VectorFiles.RepositoryRoot, "PROTOCOL.md"));

    [Fact]
    public void The_protocol_text_points_at_no_source_file_project_or_folder()
    {
        string[] found = SourcePointer().Matches(s_text).Select(m => m.Value).Distinct().ToArray();
        found.ShouldBeEmpty($"PROTOCOL.md points at source code: {string.Join(", ", found)}");
    }

    [Fact]
    public void The_protocol_text_is_version_4_and_lists_its_changes_at_the_top()
    {
        string[] lines = s_text.Split('\n');
        lines[0].ShouldBe("# SecureChat wire protocol, version 4");
        int changes = Array.FindIndex(lines, l => l.StartsWith("Changes in v4 ", StringComparison.Ordinal));
        changes.ShouldBeInRange(1, 5, "the change list comes right under the title");
        lines.Skip(changes + 1).TakeWhile(l => !l.StartsWith("This document", StringComparison.Ordinal))
            .Count(l => l.StartsWith("- ", StringComparison.Ordinal)).ShouldBeGreaterThan(0);
    }

    [Fact]
    public void The_limits_section_states_rules_and_values_and_names_no_command_line_option()
    {
        int start = s_text.IndexOf("## 8. Limits", StringComparison.Ordinal);
        int end = s_text.IndexOf("## 9.", start, StringComparison.Ordinal);
        string section = s_text[start..end];
        string[] options = CommandLineOption().Matches(section).Select(m => m.Value).Distinct().ToArray();
        options.ShouldBeEmpty($"section 8 names options: {string.Join(", ", options)}");
        string[] rows = section.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("| limit ", StringComparison.Ordinal)).ToArray();
        rows.Length.ShouldBeGreaterThan(20);
        rows.ShouldAllBe(r => r.Split(" | ")[2].StartsWith("rule") || r.Split(" | ")[2] == "policy");
    }

    [GeneratedRegex(@"(?<![\w-])--[a-z][a-z-]+")]
    private static partial Regex CommandLineOption();

    /// <summary>
    /// A C# file, a project name, one of the engine's folders written as a path, or a type's member written as code
    /// (`ChatOptions.BusyRetries`).
    /// </summary>
    [GeneratedRegex(@"`[A-Z][A-Za-z]+\.[A-Z][A-Za-z]+`|\b\w+\.cs\b|SecureChat\.(Engine|Tui|Bench|TestSupport|Fuzz)\b|\b(Protocol|Crypto|Session|Transport|Chat|Identity|Handshake)/")]
    private static partial Regex SourcePointer();
}
