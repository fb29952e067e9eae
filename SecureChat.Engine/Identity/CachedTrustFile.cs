using System.Text;

namespace SecureChat.Engine.Identity;

/// <summary>
/// A line-oriented trust file (known_clients, names) kept in memory, so a lookup or a change costs no parsing, no
/// rewrite and no fsync on the caller's thread: a hub asks on every join and rename, under its membership lock, and
/// re-reading, rewriting and fsyncing a file of 10,000 lines there made every relay wait (p95 4 s with 30 members
/// renaming at the allowed rate).
/// </summary>
/// <remarks>
/// <para>
/// A new line is appended at once under the directory's inter-process lock (one small write, no fsync), after a
/// check that the file is as this instance last saw it (size and modification time; another instance's change is
/// reloaded first), so instances sharing the directory never decide on a stale view: two hubs claiming the same name
/// at the same moment still get different ones. The data reaches the disk with one fsync on the thread pool for all
/// the appends since the last one.
/// </para>
/// <para>
/// A line changed or removed in place (a client's last name, an identity's released name) is written by a rewrite of
/// the whole file on the thread pool, once for all such changes meanwhile: the new file is written and fsynced outside
/// every lock, then renamed over the old one under the directory lock, unless the file changed meanwhile (an append,
/// or another instance): then it is written again from the newer view. If another instance changed the file before
/// this one's rewrite, the rewrite is dropped with the reload (those in-place changes are informational, or limits
/// that are applied again on the next change); appended lines are never lost.
/// </para>
/// <para>Thread-safe. <see cref="Flush"/> waits until everything changed so far is on disk.</para>
/// </remarks>
internal sealed class CachedTrustFile
{
    private readonly ConfigDirectory _directory;
    private readonly string _fileName;
    private readonly string _header;
    private readonly Action<List<string>> _reload;
    private readonly object _gate = new();
    private List<string>? _lines;
    private (long Length, DateTime Written) _stamp;

    /// <summary>Counts changes to the lines, so a rewrite can tell whether its snapshot is still the newest.</summary>
    private long _version;
    private bool _rewrite;
    private bool _sync;
    private bool _queued;
    private Task _background = Task.CompletedTask;
    private Exception? _lastError;

    /// <param name="reload">Rebuilds the owner's index from the lines (called under the file's lock after every read from disk).</param>
    public CachedTrustFile(ConfigDirectory directory, string fileName, string header, Action<List<string>> reload)
    {
        ArgumentNullException.ThrowIfNull(directory);
        _directory = directory;
        _fileName = fileName;
        _header = "# " + header;
        _reload = reload;
    }

    public string Path => _directory.PathOf(_fileName);

    /// <summary>Runs a lookup on the lines, after a reload if another instance changed the file (one stat call).</summary>
    public T Read<T>(Func<List<string>, T> read)
    {
        lock (_gate)
        {
            return read(LoadLocked());
        }
    }

    /// <summary>
    /// Runs a change under the directory's lock on a view that is current (reloaded if another instance changed the
    /// file). The change may call <see cref="Append"/> and <see cref="Rewrite"/>; it must not keep the list.
    /// </summary>
    public T Change<T>(Func<List<string>, T> change)
    {
        lock (_gate)
        {
            using ConfigDirectoryLock held = _directory.Lock();
            return change(LoadLocked());
        }
    }

    /// <summary>Within <see cref="Change{T}"/>: adds a line at the end of the file now (fsynced moments later).</summary>
    public void Append(string line)
    {
        lock (_gate)
        {
            bool exists = File.Exists(Path);
            string text = (exists ? "" : _header + "\n") + line + "\n";
            using (FileStream stream = new(Path, ConfigDirectory.Options(FileMode.Append, FileAccess.Write, FileShare.Read, ConfigDirectory.PrivateFileMode)))
            {
                stream.Write(Encoding.UTF8.GetBytes(text));
            }

            _lines!.Add(line);
            _stamp = Stamp();
            _version++;
            _sync = true;
            QueueLocked();
        }
    }

    /// <summary>Within <see cref="Change{T}"/>: lines were changed or removed in place; the file is rewritten moments later.</summary>
    public void Rewrite()
    {
        lock (_gate)
        {
            _version++;
            _rewrite = true;
            QueueLocked();
        }
    }

    /// <summary>Waits until every change made so far is on disk; throws what the last write met, if it failed.</summary>
    /// <exception cref="ConfigFileException">the last write failed.</exception>
    public void Flush()
    {
        Task background;
        lock (_gate)
        {
            background = _background;
        }

        background.GetAwaiter().GetResult();
        lock (_gate)
        {
            if (_lastError is { } error)
            {
                _lastError = null;
                throw new ConfigFileException(Path, $"could not write {Path}: {error.Message}");
            }
        }
    }

    private List<string> LoadLocked()
    {
        if (_lines is not null && Stamp() == _stamp)
        {
            return _lines;
        }

        _rewrite = false; // another instance wrote the file: its lines win over this one's unwritten in-place changes
        string? text = _directory.ReadAllText(_fileName, TrustFile.MaxFileSize);
        _stamp = Stamp();
        _version++;
        _lines = text is null ? [_header] : Split(text);
        _reload(_lines);
        return _lines;
    }

    private (long, DateTime) Stamp()
    {
        var info = new FileInfo(Path);
        return info.Exists ? (info.Length, info.LastWriteTimeUtc) : (-1, default);
    }

    private void QueueLocked()
    {
        if (!_queued)
        {
            _queued = true;
            _background = _background.ContinueWith(_ => WriteBehind(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }

    /// <summary>On the thread pool: the fsync of the appends, then the rewrite, if wanted.</summary>
    private void WriteBehind()
    {
        try
        {
            bool sync;
            lock (_gate)
            {
                _queued = false;
                sync = _sync;
                _sync = false;
            }

            if (sync && File.Exists(Path))
            {
                using FileStream stream = new(Path, ConfigDirectory.Options(FileMode.Open, FileAccess.Write, FileShare.ReadWrite, ConfigDirectory.PrivateFileMode));
                stream.Flush(flushToDisk: true);
            }

            for (int attempt = 0; attempt < 3 && TryRewrite(); attempt++)
            {
                // The file changed while the new one was written: again, from the newer view.
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ConfigFileException or TimeoutException)
        {
            lock (_gate)
            {
                _lastError = e;
            }
        }
    }

    /// <summary>One rewrite attempt; true when it must be tried again (the lines changed while it wrote).</summary>
    private bool TryRewrite()
    {
        string text;
        long version;
        lock (_gate)
        {
            if (!_rewrite || _lines is null)
            {
                return false;
            }

            text = Join(_lines);
            version = _version;
        }

        string temporary = _directory.WriteTemporary(_fileName, Encoding.UTF8.GetBytes(text), ConfigDirectory.PrivateFileMode);
        try
        {
            lock (_gate)
            {
                using ConfigDirectoryLock held = _directory.Lock();
                if (version != _version || Stamp() != _stamp)
                {
                    return _rewrite; // changed meanwhile (and, if by another instance, reloaded on the next use)
                }

                File.Move(temporary, Path, overwrite: true);
                _stamp = Stamp();
                _rewrite = false;
                return false;
            }
        }
        finally
        {
            ConfigDirectory.TryDelete(temporary);
        }
    }

    private static string Join(List<string> lines)
    {
        StringBuilder builder = new();
        foreach (string line in lines)
        {
            builder.Append(line).Append('\n');
        }

        return builder.ToString();
    }

    private static List<string> Split(string text)
    {
        if (text.Length == 0)
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
