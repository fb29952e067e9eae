using System.Buffers.Binary;
using SecureChat.Engine.Identity;

namespace SecureChat.Engine.History;

/// <summary>
/// The history database's files on disk: <c>history.db</c> with SQLite's <c>-wal</c> and <c>-shm</c> beside it, all
/// 0600 (SQLite gives its side files the database's mode), and <c>history.lock</c>, held while the history is open so
/// that one process writes it. Checks a file before SQLite reads it (the header of the SQLite file format, section
/// 1.3 of https://sqlite.org/fileformat2.html: magic, page size, and the page count against the file's length), and
/// moves a damaged or foreign database aside under a new name, never overwriting anything. Stateless and thread-safe.
/// </summary>
internal static class HistoryDatabaseFile
{
    public const string FileName = "history.db";
    public const string LockFileName = "history.lock";
    public static readonly string[] SideSuffixes = ["-wal", "-shm"];

    private const int HeaderSize = 100;
    private static readonly byte[] s_magic = "SQLite format 3\0"u8.ToArray();

    /// <summary>Creates an empty database file with mode 0600 unless one exists; true when it was created.</summary>
    public static bool CreateIfMissing(string path)
    {
        try
        {
            using FileStream stream = new(path, ConfigDirectory.Options(FileMode.CreateNew, FileAccess.Write, FileShare.None, ConfigDirectory.PrivateFileMode));
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            return false;
        }
    }

    /// <summary>
    /// Why the file cannot be an intact SQLite database, or null when its header and length agree (an empty file is
    /// a new database). A page count is trusted only when the header says it is current and no write-ahead log
    /// holds pages yet to be copied into the file.
    /// </summary>
    public static string? Problem(string path)
    {
        byte[] header = new byte[HeaderSize];
        long length;
        using (FileStream stream = new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            length = stream.Length;
            if (length == 0)
            {
                return null;
            }

            if (length < HeaderSize)
            {
                return "it is too short to be a database (truncated?)";
            }

            stream.ReadExactly(header);
        }

        if (!header.AsSpan(0, s_magic.Length).SequenceEqual(s_magic))
        {
            return "it is not an SQLite database";
        }

        int pageSize = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(16));
        pageSize = pageSize == 1 ? 65536 : pageSize;
        if (pageSize < 512 || (pageSize & (pageSize - 1)) != 0)
        {
            return "its header is damaged";
        }

        if (length % pageSize != 0)
        {
            return "it ends in the middle of a page (truncated)";
        }

        uint changeCounter = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(24));
        uint pages = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(28));
        uint validFor = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(92));
        bool walHoldsPages = new FileInfo(path + "-wal") is { Exists: true, Length: > 0 };
        if (pages != 0 && changeCounter == validFor && !walHoldsPages && length < (long)pages * pageSize)
        {
            return $"it is shorter than its header says ({length} of {(long)pages * pageSize} bytes: truncated)";
        }

        return null;
    }

    /// <summary>
    /// Renames the database and its side files to <c>NAME.damaged-STAMP[-N]</c> (the first name free for all of them,
    /// never replacing a file) and returns the database's new path.
    /// </summary>
    public static string MoveAside(string path, DateTimeOffset now)
    {
        string stamp = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        for (int n = 1; ; n++)
        {
            string target = $"{path}.damaged-{stamp}{(n == 1 ? "" : "-" + n)}";
            if (File.Exists(target) || SideSuffixes.Any(s => File.Exists(target + s)))
            {
                continue;
            }

            try
            {
                File.Move(path, target, overwrite: false);
            }
            catch (IOException) when (File.Exists(target))
            {
                continue;
            }

            foreach (string suffix in SideSuffixes)
            {
                if (File.Exists(path + suffix))
                {
                    File.Move(path + suffix, target + suffix, overwrite: false);
                }
            }

            return target;
        }
    }
}
