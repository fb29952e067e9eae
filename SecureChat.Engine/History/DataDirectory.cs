using SecureChat.Engine.Identity;

namespace SecureChat.Engine.History;

/// <summary>
/// The directory holding the history database: an explicit path (the app's <c>--data-dir DIR</c>), else
/// <c>$XDG_DATA_HOME/securechat</c> (XDG Base Directory spec: only an absolute value counts), else
/// <c>$HOME/.local/share/securechat</c>. Created with mode 0700; an existing one that other users can write, or that
/// another user owns, is refused, as the config directory is. Stateless and thread-safe.
/// </summary>
public static class DataDirectory
{
    /// <summary>Where the data directory is, without touching the disk; <paramref name="environment"/> reads a variable.</summary>
    /// <exception cref="HistoryException">neither an explicit path, XDG_DATA_HOME nor HOME is set.</exception>
    public static string Resolve(string? explicitPath, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (!string.IsNullOrEmpty(explicitPath))
        {
            return Path.GetFullPath(explicitPath);
        }

        string? xdg = environment("XDG_DATA_HOME");
        if (!string.IsNullOrEmpty(xdg) && Path.IsPathFullyQualified(xdg))
        {
            return Path.Combine(xdg, ConfigDirectory.DirectoryName);
        }

        string? home = environment("HOME");
        if (!string.IsNullOrEmpty(home) && Path.IsPathFullyQualified(home))
        {
            return Path.Combine(home, ".local", "share", ConfigDirectory.DirectoryName);
        }

        throw new HistoryException(HistoryFailure.DirectoryUnusable, "",
            "cannot tell where the data directory is: HOME is not set; use --data-dir DIR");
    }

    /// <summary>Creates <paramref name="path"/> (0700) if needed and checks who can change it; returns its full path.</summary>
    /// <exception cref="HistoryException">it cannot be created, other users can write it, or another user owns it.</exception>
    public static string OpenPath(string path)
    {
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        if (File.Exists(full))
        {
            throw new HistoryException(HistoryFailure.DirectoryUnusable, full,
                $"the data directory {full} is a file, not a directory: give --data-dir a directory");
        }

        try
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(full);
                return full;
            }

            string? parent = Path.GetDirectoryName(full);
            if (parent is not null)
            {
                Directory.CreateDirectory(parent);
            }

            if (!Directory.Exists(full))
            {
                Directory.CreateDirectory(full, ConfigDirectory.PrivateDirectoryMode);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HistoryException(HistoryFailure.DirectoryUnusable, full,
                $"could not create the data directory {full}: {(e is UnauthorizedAccessException ? "permission denied" : e.Message)}", inner: e);
        }

        UnixFileMode mode = File.GetUnixFileMode(full);
        if ((mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
        {
            throw new HistoryException(HistoryFailure.DirectoryUnusable, full,
                $"the data directory {full} can be changed by other users (mode {ConfigDirectory.Octal(mode)}): refusing to use it; run: chmod 700 {full}");
        }

        if (FileOwner.IsOthers(full))
        {
            throw new HistoryException(HistoryFailure.DirectoryUnusable, full,
                $"the data directory {full} is owned by another user (uid {FileOwner.Of(full)}): refusing to use it; use a directory of your own (--data-dir DIR)");
        }

        return full;
    }
}
