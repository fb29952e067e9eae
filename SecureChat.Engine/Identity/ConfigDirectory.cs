using System.Security.Cryptography;
using System.Text;

namespace SecureChat.Engine.Identity;

/// <summary>
/// The directory holding the identity key and the trust files: an explicit path (the app's <c>--config-dir DIR</c>),
/// else <c>$XDG_CONFIG_HOME/securechat</c> (XDG Base Directory spec: only an absolute value counts), else
/// <c>$HOME/.config/securechat</c>. Created with mode 0700; an existing one that other users can write, or that is
/// owned by another user (as ssh refuses such a <c>~/.ssh</c>), is refused, and so is a file in it owned by another
/// user: whoever can replace a file here, or owns it, can plant a pin or the key.
/// <para>
/// Several instances may share the directory. Every file is replaced whole by <see cref="WriteAtomic"/> (a temporary
/// file in the same directory, flushed to disk, renamed over the old one), so a reader sees the old file or the new
/// one, never a torn one; a read-modify-write runs under <see cref="Lock"/>, so no update is lost. Thread-safe.
/// </para>
/// </summary>
public sealed class ConfigDirectory
{
    public const string DirectoryName = "securechat";
    public const string LockFileName = ".lock";

    /// <summary>rwx for the owner only.</summary>
    public const UnixFileMode PrivateDirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>rw for the owner only (the key, and the trust files: who one talks to is private too).</summary>
    public const UnixFileMode PrivateFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>rw for the owner, readable by all (identity.pub).</summary>
    public const UnixFileMode PublicFileMode = PrivateFileMode | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    internal const UnixFileMode GroupOrOtherMask =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private const UnixFileMode GroupOrOtherWrite = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    private ConfigDirectory(string path)
    {
        Path = path;
    }

    /// <summary>The full path of the directory.</summary>
    public string Path { get; }

    /// <summary>
    /// Where the config directory is, without touching the disk. <paramref name="environment"/> reads an
    /// environment variable (null when unset); tests pass their own instead of the process's.
    /// </summary>
    /// <exception cref="ConfigFileException">neither an explicit path, XDG_CONFIG_HOME nor HOME is set.</exception>
    public static string Resolve(string? explicitPath, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (!string.IsNullOrEmpty(explicitPath))
        {
            return System.IO.Path.GetFullPath(explicitPath);
        }

        string? xdg = environment("XDG_CONFIG_HOME");
        if (!string.IsNullOrEmpty(xdg) && System.IO.Path.IsPathFullyQualified(xdg))
        {
            return System.IO.Path.Combine(xdg, DirectoryName);
        }

        string? home = environment("HOME");
        if (!string.IsNullOrEmpty(home) && System.IO.Path.IsPathFullyQualified(home))
        {
            return System.IO.Path.Combine(home, ".config", DirectoryName);
        }

        throw new ConfigFileException("", "cannot tell where the config directory is: HOME is not set; use --config-dir DIR");
    }

    /// <summary>Resolves (see <see cref="Resolve"/>; the process environment by default) and opens the directory.</summary>
    public static ConfigDirectory Open(string? explicitPath = null, Func<string, string?>? environment = null) =>
        OpenPath(Resolve(explicitPath, environment ?? Environment.GetEnvironmentVariable));

    /// <summary>Opens <paramref name="path"/>, creating it (and its parents) if needed; the directory itself gets 0700.</summary>
    /// <exception cref="ConfigFileException">
    /// the directory exists and other users can write to it, or it is another user's; or it cannot be created (it is
    /// a file, a file is in the way, permission is denied): one plain line naming the path and the reason.
    /// </exception>
    public static ConfigDirectory OpenPath(string path)
    {
        string full = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(path));
        if (File.Exists(full))
        {
            throw new ConfigFileException(full, $"the config directory {full} is a file, not a directory: give --config-dir a directory");
        }

        if (!Directory.Exists(full))
        {
            try
            {
                Create(full);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ConfigFileException(full, $"could not create the config directory {full}: {WhyNotCreated(full, e)}", e);
            }
        }

        if (OperatingSystem.IsWindows())
        {
            return new ConfigDirectory(full);
        }

        UnixFileMode mode = File.GetUnixFileMode(full);
        if ((mode & GroupOrOtherWrite) != 0)
        {
            throw new ConfigFileException(full,
                $"the config directory {full} can be changed by other users (mode {Octal(mode)}): refusing to use it; run: chmod 700 {full}");
        }

        if (FileOwner.IsOthers(full))
        {
            throw new ConfigFileException(full,
                $"the config directory {full} is owned by another user (uid {FileOwner.Of(full)}): refusing to use it; use a directory of your own (--config-dir DIR)");
        }

        // Checked again when each file is read (on the open file); here so that the run stops before it starts.
        foreach (string entry in Directory.EnumerateFileSystemEntries(full))
        {
            if (FileOwner.IsOthers(entry))
            {
                throw new ConfigFileException(entry,
                    $"{entry} is owned by another user (uid {FileOwner.Of(entry)}): refusing to use the config directory; move it away");
            }
        }

        return new ConfigDirectory(full);
    }

    private static void Create(string full)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(full);
            return;
        }

        // Parents get the usual mode (they may be ~/.config, shared with other programs); only ours is private.
        string? parent = System.IO.Path.GetDirectoryName(full);
        if (parent is not null)
        {
            Directory.CreateDirectory(parent);
        }

        try
        {
            Directory.CreateDirectory(full, PrivateDirectoryMode);
        }
        catch (IOException) when (Directory.Exists(full))
        {
            // Another instance created it at the same moment; checked below like any existing directory.
        }
    }

    /// <summary>Why <paramref name="full"/> could not be created, in plain words rather than the runtime's.</summary>
    private static string WhyNotCreated(string full, Exception failure)
    {
        for (string? above = System.IO.Path.GetDirectoryName(full); above is not null; above = System.IO.Path.GetDirectoryName(above))
        {
            if (File.Exists(above))
            {
                return $"{above} is a file, not a directory";
            }
        }

        return failure is UnauthorizedAccessException ? "permission denied" : failure.Message;
    }

    /// <summary>Refuses a file of this directory that another user owns (see <see cref="FileOwner"/>).</summary>
    /// <exception cref="ConfigFileException">the file is another user's.</exception>
    internal static void RequireOwnFile(Microsoft.Win32.SafeHandles.SafeFileHandle handle, string path)
    {
        if (FileOwner.IsOthers(handle))
        {
            throw new ConfigFileException(path,
                $"{path} is owned by another user (uid {FileOwner.Of(handle)}): refusing to use it; move it away");
        }
    }

    /// <summary>The full path of a file in this directory.</summary>
    public string PathOf(string fileName)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        if (fileName.IndexOfAny(['/', '\\']) >= 0 || fileName is "." or "..")
        {
            throw new ArgumentException("a plain file name, without a directory", nameof(fileName));
        }

        return System.IO.Path.Combine(Path, fileName);
    }

    /// <summary>
    /// Takes the directory's inter-process lock for a read-modify-write, waiting at most <paramref name="timeout"/>
    /// (<see cref="ConfigDirectoryLock.DefaultTimeout"/> by default).
    /// </summary>
    /// <exception cref="ConfigFileException">another holder kept it longer than the timeout.</exception>
    public ConfigDirectoryLock Lock(TimeSpan? timeout = null) =>
        ConfigDirectoryLock.Acquire(PathOf(LockFileName), timeout ?? ConfigDirectoryLock.DefaultTimeout);

    /// <summary>Replaces (or creates) a text file atomically, as UTF-8.</summary>
    public void WriteAllTextAtomic(string fileName, string text, UnixFileMode mode = PrivateFileMode)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        WriteAtomic(fileName, bytes, mode);
    }

    /// <summary>
    /// Replaces (or creates) a file atomically: the content goes to a new temporary file in this directory, created
    /// with <paramref name="mode"/> and flushed to disk, which is then renamed over the old file.
    /// </summary>
    public void WriteAtomic(string fileName, ReadOnlySpan<byte> content, UnixFileMode mode = PrivateFileMode)
    {
        string target = PathOf(fileName);
        string temporary = WriteTemporary(fileName, content, mode);
        try
        {
            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>
    /// Creates a file atomically only if it does not exist yet (the temporary file is moved without overwriting,
    /// which .NET does on Unix with link(2), failing if the name exists). False when the file already existed; its
    /// content is then left alone.
    /// </summary>
    public bool TryCreateAtomic(string fileName, ReadOnlySpan<byte> content, UnixFileMode mode = PrivateFileMode)
    {
        string target = PathOf(fileName);
        string temporary = WriteTemporary(fileName, content, mode);
        try
        {
            File.Move(temporary, target, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(target) || Directory.Exists(target))
        {
            return false;
        }
        finally
        {
            TryDelete(temporary);
        }
    }

    /// <summary>A file's text, or null when it does not exist.</summary>
    /// <exception cref="ConfigFileException">the file is larger than <paramref name="maxBytes"/>.</exception>
    public string? ReadAllText(string fileName, int maxBytes)
    {
        string path = PathOf(fileName);
        try
        {
            using FileStream stream = new(path, Options(FileMode.Open, FileAccess.Read, FileShare.Read, PrivateFileMode));
            RequireOwnFile(stream.SafeFileHandle, path);
            if (stream.Length > maxBytes)
            {
                throw new ConfigFileException(path, $"{path} is larger than {maxBytes} bytes: refusing to read it; move it away");
            }

            using StreamReader reader = new(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false));
            return reader.ReadToEnd();
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    internal static FileStreamOptions Options(FileMode mode, FileAccess access, FileShare share, UnixFileMode createMode)
    {
        FileStreamOptions options = new() { Mode = mode, Access = access, Share = share };
        if (!OperatingSystem.IsWindows() && mode is FileMode.CreateNew or FileMode.Create or FileMode.OpenOrCreate)
        {
            options.UnixCreateMode = createMode;
        }

        return options;
    }

    internal static string Octal(UnixFileMode mode) => Convert.ToString((int)mode & 0x1FF, 8).PadLeft(4, '0');

    internal string WriteTemporary(string fileName, ReadOnlySpan<byte> content, UnixFileMode mode)
    {
        string temporary = PathOf($".{fileName}.{Convert.ToHexString(RandomNumberGenerator.GetBytes(8))}.tmp");
        try
        {
            // Straight from the caller's buffer to the file (no FileStream buffer, which nobody would wipe): the
            // identity key is written this way, and its caller wipes the only copy.
            FileStreamOptions options = Options(FileMode.CreateNew, FileAccess.Write, FileShare.None, mode);
            options.BufferSize = 0;
            using FileStream stream = new(temporary, options);
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }

        if (!OperatingSystem.IsWindows())
        {
            // The umask may have narrowed the mode; never widened it. Set it exactly (0644 for identity.pub).
            File.SetUnixFileMode(temporary, mode);
        }

        return temporary;
    }

    internal static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
