using System.Text.RegularExpressions;
using SecureChat.Tui.Views;

namespace SecureChat.Tui.Tests.Views;

public sealed partial class ScreenHelpTests
{
    [Fact]
    public void Help_on_the_full_screen_names_every_key_the_README_lists()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        int start = readme.IndexOf("### Keys", StringComparison.Ordinal);
        start.ShouldBeGreaterThan(0);
        string[] rows = readme[start..].Split('\n').SkipWhile(l => !l.StartsWith("| key", StringComparison.Ordinal)).Skip(2)
            .TakeWhile(l => l.StartsWith('|')).ToArray();
        string[] keys = rows.SelectMany(r => Key().Matches(r.Split('|')[1]).Select(m => m.Value)).Distinct().ToArray();
        TestContext.Current.TestOutputHelper?.WriteLine($"{rows.Length} rows, keys: {string.Join(' ', keys)}");
        keys.Length.ShouldBeGreaterThan(15);

        string help = string.Join('\n', new ScreenWords().Help(isServer: false));
        keys.Where(k => !Regex.IsMatch(help, $@"(?<![\w+]){Regex.Escape(k)}(?![\w+])")).ShouldBeEmpty();
    }

    [GeneratedRegex(@"\b(?:(?:Ctrl|Alt|Shift)\+\w+|F\d+|PgUp|PgDn|Tab|Enter|Esc|Up|Down)\b")]
    private static partial Regex Key();

    private static string RepositoryRoot()
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
}
