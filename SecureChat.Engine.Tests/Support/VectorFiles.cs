using System.Text.Json;

namespace SecureChat.Engine.Tests.Support;

/// <summary>
/// Finds the shared, read-only test vectors in <c>../shared/vectors</c> beside the repository root (the folder
/// holding SecureChat.Tui.sln). They are never copied into the repository, yet they are part of the suite: where
/// one is absent the test fails (<see cref="Assert.Fail(string)"/>), naming the path, so a run without them can
/// never look green.
/// </summary>
internal static class VectorFiles
{
    private static readonly Lazy<string?> s_repositoryRoot = new(FindRepositoryRoot);

    /// <summary>The expected location of the vectors folder (whether or not it exists).</summary>
    public static string Directory => s_repositoryRoot.Value is { } root
        ? Path.GetFullPath(Path.Combine(root, "..", "shared", "vectors"))
        : Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "shared", "vectors"));

    /// <summary>The full path of one vector file; a failure naming the path and what could not be tested when it is absent.</summary>
    public static string Require(string fileName, string what)
    {
        string path = Path.Combine(Directory, fileName);
        if (!File.Exists(path))
        {
            Assert.Fail($"published vectors not found at {path}: {what} cannot be tested (put the shared vectors at ../shared/vectors beside the repository)");
        }

        return path;
    }

    public static JsonDocument RequireJson(string fileName, string what) =>
        JsonDocument.Parse(File.ReadAllBytes(Require(fileName, what)));

    /// <summary>Reports a vector run's counts in the test output so a reader sees what was checked and skipped.</summary>
    public static void Report(string message) => TestContext.Current.TestOutputHelper?.WriteLine(message);

    /// <summary>The repository root (the folder holding SecureChat.Tui.sln) above the test binaries.</summary>
    public static string RepositoryRoot =>
        s_repositoryRoot.Value ?? throw new InvalidOperationException("repository root (SecureChat.Tui.sln) not found above " + AppContext.BaseDirectory);

    private static string? FindRepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SecureChat.Tui.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
