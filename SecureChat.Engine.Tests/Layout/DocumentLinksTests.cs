using System.Text.RegularExpressions;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Layout;

/// <summary>
/// The documents point at each other: README, the user's guide, links every other document, and no document links a
/// file that is not there.
/// </summary>
public sealed partial class DocumentLinksTests(ITestOutputHelper output)
{
    private static readonly string[] s_documents = ["README.md", "SECURITY.md", "ARCHITECTURE.md", "PROTOCOL.md", "BENCHMARKS.md"];

    [Fact]
    public void The_readme_links_the_security_architecture_protocol_and_benchmark_documents()
    {
        string readme = File.ReadAllText(Path.Combine(VectorFiles.RepositoryRoot, "README.md"));
        string[] linked = Links(readme).ToArray();
        output.WriteLine($"README links: {string.Join(", ", linked.Distinct())}");
        s_documents.Skip(1).Where(d => !linked.Contains(d)).ShouldBeEmpty();
    }

    [Fact]
    public void Every_file_a_document_links_exists()
    {
        string root = VectorFiles.RepositoryRoot;
        var missing = new List<string>();
        int count = 0;
        foreach (string document in s_documents)
        {
            foreach (string target in Links(File.ReadAllText(Path.Combine(root, document))))
            {
                count++;
                if (!File.Exists(Path.Combine(root, target)) && !Directory.Exists(Path.Combine(root, target)))
                {
                    missing.Add($"{document} -> {target}");
                }
            }
        }

        output.WriteLine($"{count} links in {s_documents.Length} documents, {missing.Count} to nothing");
        missing.ShouldBeEmpty(string.Join(Environment.NewLine, missing));
    }

    /// <summary>The relative targets of a document's Markdown links, without their anchors.</summary>
    private static IEnumerable<string> Links(string markdown) =>
        Link().Matches(markdown).Select(m => m.Groups[1].Value.Split('#')[0]).Where(t => t.Length > 0);

    [GeneratedRegex(@"\]\((?!https?:|mailto:)([^)\s]+)\)")]
    private static partial Regex Link();
}
