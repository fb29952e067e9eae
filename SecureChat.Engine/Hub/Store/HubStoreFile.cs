using System.Buffers.Binary;
using System.Globalization;

namespace SecureChat.Engine.Hub.Store;

/// <summary>
/// The store's files on disk: the directory (mode 0700, created if missing), <c>hub.db</c> (created 0600 before SQLite
/// opens it, so SQLite gives its <c>-wal</c> and <c>-shm</c> files the same mode), the check of an existing file's
/// header before SQLite trusts it, and moving an unreadable file aside with its companions. Stateless.
/// </summary>
internal static class HubStoreFile
{
    public const string FileName = "hub.db";

    /// <summary>The SQLite file header (https://sqlite.org/fileformat2.html, section 1.3).</summary>
    private const int HeaderSize = 100;

    /// <summary>The write-ahead log's header (https://sqlite.org/fileformat2.html, section 4.1).</summary>
    private const int WalHeaderSize = 32;

    private static ReadOnlySpan<byte> Magic => "SQLite format 3\0"u8;

    private static readonly string[] Companions = ["", "-wal", "-shm", "-journal"];

    /// <summary>Creates the directory (0700) and an empty <c>hub.db</c> (0600) when missing; returns the file's path.</summary>
    public static string Prepare(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            // Parents get the usual mode (they may be ~/.local/share, shared with other programs); only ours is private.
            if (Path.GetDirectoryName(Path.GetFullPath(directory)) is { } parent)
            {
                Directory.CreateDirectory(parent);
            }

            Directory.CreateDirectory(directory, Identity.ConfigDirectory.PrivateDirectoryMode);
            File.SetUnixFileMode(directory, Identity.ConfigDirectory.PrivateDirectoryMode);
        }

        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = Identity.ConfigDirectory.PrivateFileMode;
            }

            using var created = new FileStream(path, options);
        }

        return path;
    }

    /// <summary>
    /// Why an existing file cannot be the store, read from its header alone (null: it may be): not a SQLite file, or
    /// shorter than the pages its header counts with no write-ahead log to complete it (cut off). An empty file is a
    /// new store.
    /// </summary>
    public static string? Problem(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        long length = file.Length;
        if (length == 0)
        {
            return null;
        }

        Span<byte> header = stackalloc byte[HeaderSize];
        if (length < HeaderSize || file.ReadAtLeast(header, HeaderSize, throwOnEndOfStream: false) < HeaderSize || !header[..Magic.Length].SequenceEqual(Magic))
        {
            return "it is not a SQLite database";
        }

        int pageSize = BinaryPrimitives.ReadUInt16BigEndian(header[16..]);
        long pageSizeBytes = pageSize == 1 ? 65536 : pageSize;
        uint changeCounter = BinaryPrimitives.ReadUInt32BigEndian(header[24..]);
        uint pages = BinaryPrimitives.ReadUInt32BigEndian(header[28..]);
        uint validFor = BinaryPrimitives.ReadUInt32BigEndian(header[92..]);

        // The page count is valid only when the change counter matches "version-valid-for" (section 1.3.8). A file
        // beside a write-ahead log is left to SQLite: a checkpoint cut short (the process killed while it copied the
        // log's pages into the file, page 1 first) leaves the file shorter than its header says, and SQLite completes
        // it from the log on opening (https://sqlite.org/wal.html). A log shorter than its 32-byte header holds nothing.
        FileInfo log = new(path + "-wal");
        bool logged = log.Exists && log.Length >= WalHeaderSize;
        return !logged && changeCounter == validFor && pages * pageSizeBytes > length
            ? $"it is cut off ({length:N0} of {pages * pageSizeBytes:N0} bytes)"
            : null;
    }

    /// <summary>Renames the file and its companions to <c>hub.db.unreadable-TIME</c>; returns the new path of the file.</summary>
    public static string SetAside(string path, DateTimeOffset now)
    {
        string suffix = ".unreadable-" + now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        string aside = path + suffix;
        for (int n = 1; File.Exists(aside); n++)
        {
            aside = path + suffix + "." + n.ToString(CultureInfo.InvariantCulture);
        }

        foreach (string companion in Companions)
        {
            if (File.Exists(path + companion))
            {
                File.Move(path + companion, aside + companion);
            }
        }

        return aside;
    }
}
