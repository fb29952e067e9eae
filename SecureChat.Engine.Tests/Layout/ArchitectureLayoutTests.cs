using System.Text.RegularExpressions;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Layout;

/// <summary>
/// ARCHITECTURE.md's table of the engine's files ("Inside the engine, each responsibility has one file") names files and
/// types that exist: a newcomer who looks for one finds it.
/// </summary>
public sealed partial class ArchitectureLayoutTests(ITestOutputHelper output)
{
    [Fact]
    public void Every_file_folder_and_type_the_architecture_layout_table_names_exists_in_the_engine()
    {
        string root = VectorFiles.RepositoryRoot;
        string engine = Path.Combine(root, "SecureChat.Engine");
        string architecture = File.ReadAllText(Path.Combine(root, "ARCHITECTURE.md"));
        int start = architecture.IndexOf("Inside the engine, each responsibility has one file", StringComparison.Ordinal);
        start.ShouldBeGreaterThan(0, "ARCHITECTURE.md's engine layout table");
        string[] rows = architecture[start..].Split('\n').SkipWhile(l => !l.StartsWith("| file |", StringComparison.Ordinal)).Skip(2)
            .TakeWhile(l => l.StartsWith('|')).ToArray();
        rows.Length.ShouldBeGreaterThan(10);

        var missing = new List<string>();
        int checkedNames = 0;
        foreach (string row in rows)
        {
            string[] cells = row.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            string? folder = null;
            foreach (Match m in Quoted().Matches(cells[0]))
            {
                string item = m.Groups[1].Value;
                // A path is relative to the engine; a bare file name is in the folder of the path before it.
                string path = item.Contains('/', StringComparison.Ordinal) ? item : $"{folder}/{item}";
                folder = path.EndsWith('/') ? path.TrimEnd('/') : Path.GetDirectoryName(path);
                bool exists = path.EndsWith('/') ? Directory.Exists(Path.Combine(engine, path)) : File.Exists(Path.Combine(engine, path));
                checkedNames++;
                if (!exists)
                {
                    missing.Add($"{path} (row: {cells[0]})");
                }

                if (path.EndsWith('/'))
                {
                    // A folder row names its types in the second cell: each is a file of that folder.
                    foreach (Match type in Quoted().Matches(cells[1]).Where(t => TypeName().IsMatch(t.Groups[1].Value)))
                    {
                        checkedNames++;
                        string file = Path.Combine(engine, path, type.Groups[1].Value + ".cs");
                        if (!File.Exists(file))
                        {
                            missing.Add($"{path}{type.Groups[1].Value}.cs (named in: {cells[0]})");
                        }
                    }
                }
            }
        }

        output.WriteLine($"{rows.Length} rows, {checkedNames} files, folders and types checked, {missing.Count} missing");
        missing.ShouldBeEmpty(string.Join(Environment.NewLine, missing));
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"^I?[A-Z][A-Za-z]+$")]
    private static partial Regex TypeName();
}
