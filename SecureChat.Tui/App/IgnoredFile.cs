using SecureChat.Engine.Identity;

namespace SecureChat.Tui.App;

/// <summary>
/// The identities the user ignores, in the config directory's <c>ignored</c> file (mode 0600): one identity
/// fingerprint per line, optionally followed by <c>#</c> and the name it had when it was ignored (a reminder; the
/// identity alone counts). Each write is atomic under the directory's lock. Thread-safe (every call reads afresh).
/// </summary>
internal sealed class IgnoredFile(ConfigDirectory directory)
{
    public const string FileName = "ignored";

    public const int MaxFileSize = 1024 * 1024;

    private const string Header = "# identities whose room and direct messages are not shown (/ignore, /unignore; written by SecureChat)";

    /// <summary>The ignored identity fingerprints.</summary>
    public IReadOnlyList<string> Read() =>
        [.. (directory.ReadAllText(FileName, MaxFileSize) ?? string.Empty).Split('\n')
            .Select(l => (l.Contains('#') ? l[..l.IndexOf('#')] : l).Trim())
            .Where(l => l.Length > 0)];

    /// <summary>Keeps exactly these identities, each with the name it goes by (null when unknown).</summary>
    public void Save(IEnumerable<(string Identity, string? Name)> people)
    {
        using ConfigDirectoryLock held = directory.Lock();
        IEnumerable<string> lines = people.Select(p => p.Name is null ? p.Identity : $"{p.Identity} # {p.Name}");
        directory.WriteAllTextAtomic(FileName, string.Join('\n', lines.Prepend(Header)) + "\n");
    }
}
