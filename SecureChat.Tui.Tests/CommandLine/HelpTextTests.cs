using System.Text.RegularExpressions;
using SecureChat.Tui.CommandLine;

namespace SecureChat.Tui.Tests.CommandLine;

public sealed partial class HelpTextTests
{
    private static readonly ChatRootCommand s_command = new();
    private static readonly string[] s_lines = HelpText.Render(s_command).Split(Environment.NewLine)[..^1];

    private static readonly string[] s_sections = ["Connection:", "Identity and trust:", "Display:", "History:", "Server limits:", "Help:"];

    [Fact]
    public void Every_line_of_the_help_fits_in_80_columns()
    {
        string[] wide = s_lines.Where(l => l.Length > HelpText.Width).ToArray();
        TestContext.Current.TestOutputHelper?.WriteLine($"{s_lines.Length} lines, the widest {s_lines.Max(l => l.Length)} columns");
        wide.ShouldBeEmpty();
    }

    [Fact]
    public void The_sections_come_in_order_and_each_option_is_listed_once_in_its_own()
    {
        int[] starts = s_sections.Select(title => Array.IndexOf(s_lines, title)).ToArray();
        starts.ShouldAllBe(i => i >= 0);
        starts.ShouldBeInOrder(SortDirection.Ascending);
        foreach (OptionEntry entry in s_command.Entries)
        {
            string label = "  " + HelpText.Label(entry.Option);
            int[] rows = s_lines.Select((l, i) => (l, i)).Where(r => r.l == label || r.l.StartsWith(label + "  ", StringComparison.Ordinal)).Select(r => r.i).ToArray();
            rows.Length.ShouldBe(1, label);
            int section = (int)entry.Group;
            rows[0].ShouldBeGreaterThan(starts[section], label);
            if (section + 1 < starts.Length)
            {
                rows[0].ShouldBeLessThan(starts[section + 1], label);
            }
        }
    }

    [Fact]
    public void No_number_in_the_help_is_written_with_a_thousands_separator_the_parser_refuses()
    {
        string help = string.Join(' ', s_lines);
        Grouped().Matches(help).Select(m => m.Value).ShouldBeEmpty();
    }

    [Fact]
    public void Every_default_the_help_shows_is_accepted_as_typed_and_changes_nothing()
    {
        string help = string.Join(' ', s_lines.Select(l => l.Trim()));
        OptionEntry[] withDefaults = s_command.Entries.Where(e => e.Default is not null).ToArray();
        withDefaults.Length.ShouldBeGreaterThan(25);
        foreach (OptionEntry entry in withDefaults)
        {
            help.ShouldContain($"(default: {entry.Default}", customMessage: entry.Option.Name);
            string[] role = entry.Scope switch
            {
                OptionScope.Server => ["--server"],
                OptionScope.Headless => ["--client", "--headless"],
                _ => ["--client"],
            };
            string[] value = entry.Option.Name == "--client" ? entry.Default!.Split(' ') : [entry.Option.Name, .. entry.Default!.Split(' ')];
            string[] given = entry.Option.Name == "--client" ? ["--client", .. value] : [.. role, .. value];
            ChatCommandLine.Parse(given).ShouldBe(ChatCommandLine.Parse(role), string.Join(' ', given));
        }
    }

    [Fact]
    public void Each_option_says_where_it_acts_when_it_acts_in_one_role_or_mode_only()
    {
        foreach (OptionEntry entry in s_command.Entries)
        {
            string prefix = entry.Scope switch
            {
                OptionScope.Server => "server: ",
                OptionScope.Client => "client: ",
                OptionScope.FullScreen => "full screen: ",
                OptionScope.Headless => "headless: ",
                _ => string.Empty,
            };
            HelpText.Description(entry).ShouldStartWith(prefix, customMessage: entry.Option.Name);
        }
    }

    [Fact]
    public void Help_is_printed_by_the_command_line_with_exit_code_0()
    {
        var output = new StringWriter();
        System.CommandLine.ParseResult result = new ChatRootCommand().Parse(["--help"]);
        result.Invoke(new System.CommandLine.InvocationConfiguration { Output = output }).ShouldBe(0);
        output.ToString().ShouldBe(HelpText.Render(s_command));
    }

    [Fact]
    public void The_README_lists_every_option_in_the_same_section_as_the_help()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        int start = readme.IndexOf("## Options", StringComparison.Ordinal);
        start.ShouldBeGreaterThan(0);
        string[] block = readme[start..].Split('\n').SkipWhile(l => l != "```").Skip(1).TakeWhile(l => l != "```").ToArray();
        var sectionOf = new Dictionary<string, string>();
        string section = string.Empty;
        foreach (string line in block)
        {
            if (line.EndsWith(':') && !line.StartsWith(' '))
            {
                section = line;
            }
            else if (line.StartsWith("  -", StringComparison.Ordinal))
            {
                foreach (string name in line.Trim().Split("  ")[0].Split(", ").Select(n => n.Split(' ')[0]))
                {
                    sectionOf[name] = section;
                }
            }
        }

        foreach (OptionEntry entry in s_command.Entries)
        {
            sectionOf.ShouldContainKey(entry.Option.Name);
            sectionOf[entry.Option.Name].ShouldBe(s_sections[(int)entry.Group], entry.Option.Name);
        }
    }

    [Fact]
    public void The_README_shows_the_help_as_the_app_prints_it()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md")).ReplaceLineEndings("\n");
        int start = readme.IndexOf("## Options", StringComparison.Ordinal);
        string block = string.Join('\n', readme[start..].Split('\n').SkipWhile(l => l != "```").Skip(1).TakeWhile(l => l != "```")) + "\n";
        string help = HelpText.Render(s_command).ReplaceLineEndings("\n");
        string expected = help[help.IndexOf("Usage:", StringComparison.Ordinal)..].TrimEnd('\n') + "\n";

        // The derivation default is this machine's core count; README shows the count of the machine it was made on.
        PerCore().Replace(block, "default: N, one per core").ShouldBe(PerCore().Replace(expected, "default: N, one per core"));
    }

    internal static string RepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SecureChat.Tui.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root not found");
    }

    [GeneratedRegex(@"default: \d+, one per core")]
    private static partial Regex PerCore();

    [GeneratedRegex(@"\d,\d{3}")]
    private static partial Regex Grouped();
}
