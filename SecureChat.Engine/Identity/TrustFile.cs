using System.Text;

namespace SecureChat.Engine.Identity;

/// <summary>
/// One line-oriented trust file in the config directory (known_servers, known_clients, names). Reads see a whole
/// file (every write is an atomic rename); <see cref="Update{T}"/> runs a read-modify-write under the directory's
/// inter-process lock, reloading first, so two instances never lose each other's changes. Lines the caller does not
/// understand stay in the list it is given, so they survive a rewrite. A file that does not exist yet starts with the
/// header comment. Thread-safe (every call reads the file afresh; nothing is cached).
/// </summary>
internal sealed class TrustFile
{
    /// <summary>A trust file larger than this is refused (far beyond any limit on entries).</summary>
    public const int MaxFileSize = 16 * 1024 * 1024;

    private readonly ConfigDirectory _directory;
    private readonly string _fileName;
    private readonly string[] _header;

    public TrustFile(ConfigDirectory directory, string fileName, params string[] header)
    {
        ArgumentNullException.ThrowIfNull(directory);
        _directory = directory;
        _fileName = fileName;
        _header = header;
    }

    public string Path => _directory.PathOf(_fileName);

    /// <summary>The file's lines (without line ends); empty when it does not exist.</summary>
    public List<string> ReadLines() => Split(_directory.ReadAllText(_fileName, MaxFileSize));

    /// <summary>
    /// Under the lock: reads the lines, lets <paramref name="change"/> edit them in place and say whether it did,
    /// and if so writes them back atomically.
    /// </summary>
    public T Update<T>(Func<List<string>, (T Result, bool Changed)> change)
    {
        using ConfigDirectoryLock held = _directory.Lock();
        string? text = _directory.ReadAllText(_fileName, MaxFileSize);
        List<string> lines = text is null ? [.. _header.Select(h => "# " + h)] : Split(text);
        (T result, bool changed) = change(lines);
        if (changed)
        {
            StringBuilder builder = new();
            foreach (string line in lines)
            {
                builder.Append(line).Append('\n');
            }

            _directory.WriteAllTextAtomic(_fileName, builder.ToString(), ConfigDirectory.PrivateFileMode);
        }

        return result;
    }

    private static List<string> Split(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }

        List<string> lines = [.. text.Split('\n').Select(l => l.EndsWith('\r') ? l[..^1] : l)];
        if (lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        return lines;
    }
}
