using System.Security.Cryptography;
using System.Text;

namespace SecureChat.Tui.CommandLine;

/// <summary>
/// Reads the optional shared passphrase from where <see cref="AppSettings.PassphraseSource"/> says, as UTF-8 bytes
/// in a pinned array; file and prompt never pass through a string (strings cannot be wiped), and every buffer used
/// on the way is wiped. The caller owns the array and wipes it when the endpoint is gone.
/// </summary>
internal static class PassphraseReader
{
    /// <summary>A passphrase file larger than this is refused (a passphrase is one short line).</summary>
    public const int PassphraseFileMax = 64 * 1024;

    private const UnixFileMode OthersMask = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;

    /// <summary>Characters the prompt accepts; more typed keys are ignored.</summary>
    private const int PromptMax = 1024;

    /// <param name="warn">Told, in one line, when the passphrase file can be read by other users (it is still used).</param>
    public static byte[] Read(AppSettings settings, Action<string>? warn = null) =>
        Read(settings.PassphraseSource, settings.PassphraseLocation, "passphrase", "--passphrase", "Passphrase (shared with your peer, not shown): ", warn);

    /// <summary>The history passphrase (<c>--history-passphrase-*</c>), read as the shared one is; empty when none is given.</summary>
    public static byte[] ReadHistory(AppSettings settings, Action<string>? warn = null) =>
        Read(settings.HistoryPassphraseSource, settings.HistoryPassphraseLocation, "history passphrase", "--history-passphrase", "History passphrase (opens your history, not shown): ", warn);

    private static byte[] Read(PassphraseSource source, string location, string what, string option, string prompt, Action<string>? warn)
    {
        switch (source)
        {
            case PassphraseSource.None:
                return [];
            case PassphraseSource.File:
                return NonEmpty(ReadFirstLine(location, warn), $"the {what} file's first line is empty");
            case PassphraseSource.Environment:
                string? value = Environment.GetEnvironmentVariable(location);
                if (value is null)
                {
                    throw new UsageException($"the environment variable {location} is not set");
                }

                // The runtime hands the variable over as a string, and the OS keeps it in the process's environment
                // block for the process's life; neither can be wiped (SECURITY.md, "What is wiped"). Only our copy is pinned.
                byte[] bytes = Pinned(Encoding.UTF8.GetByteCount(value));
                Encoding.UTF8.GetBytes(value, bytes);
                return NonEmpty(bytes, $"the environment variable {location} is empty");
            case PassphraseSource.Prompt:
                if (Console.IsInputRedirected)
                {
                    throw new UsageException($"{option}-prompt needs a terminal; use {option}-file or {option}-env");
                }

                return NonEmpty(Prompt(prompt), $"the {what} is empty");
            default:
                throw new InvalidOperationException("unknown passphrase source");
        }
    }

    private static byte[] NonEmpty(byte[] bytes, string message) => bytes.Length > 0 ? bytes : throw new UsageException(message);

    /// <summary>
    /// The first line of the file as UTF-8 bytes (an editor's final newline and a UTF-8 byte-order mark are not
    /// part of it), read into pinned arrays that are wiped; never a string, which could not be wiped.
    /// </summary>
    private static byte[] ReadFirstLine(string path, Action<string>? warn)
    {
        if (Directory.Exists(path))
        {
            throw new UsageException($"the passphrase file {path} is a directory; give the path of a file");
        }

        byte[]? content = null;
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
            if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(file.SafeFileHandle) & OthersMask) is var open && open != 0)
            {
                // Not refused (a shared secret typed into a file is the user's choice), but never silently accepted.
                warn?.Invoke($"the passphrase file {path} can be read by other users (mode {Convert.ToString((int)File.GetUnixFileMode(file.SafeFileHandle), 8).PadLeft(4, '0')}); run: chmod 600 {path}");
            }

            if (file.Length > PassphraseFileMax)
            {
                throw new UsageException($"the passphrase file {path} is larger than {PassphraseFileMax / 1024} KiB");
            }

            content = Pinned((int)file.Length);
            file.ReadExactly(content);
            ReadOnlySpan<byte> text = content;
            if (text.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            {
                text = text[3..];
            }

            int end = text.IndexOfAny((byte)'\r', (byte)'\n');
            ReadOnlySpan<byte> line = end >= 0 ? text[..end] : text;
            if (!System.Text.Unicode.Utf8.IsValid(line))
            {
                throw new UsageException($"the passphrase file {path} is not UTF-8 text");
            }

            byte[] result = Pinned(line.Length);
            line.CopyTo(result);
            return result;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new UsageException($"the passphrase file {path} does not exist");
        }
        catch (UnauthorizedAccessException)
        {
            throw new UsageException($"the passphrase file {path} cannot be read: permission denied");
        }
        catch (IOException e)
        {
            throw new UsageException($"the passphrase file {path} cannot be read: {e.Message}");
        }
        finally
        {
            if (content is not null)
            {
                CryptographicOperations.ZeroMemory(content);
            }
        }
    }

    /// <summary>Reads keys without echo into a pinned char buffer (never a string), then encodes it to pinned UTF-8.</summary>
    private static byte[] Prompt(string prompt)
    {
        Console.Error.Write(prompt);
        char[] typed = GC.AllocateArray<char>(PromptMax, pinned: true);
        int length = 0;
        try
        {
            while (true)
            {
                ConsoleKeyInfo key = Console.ReadKey(intercept: true);
                if (key.Key == ConsoleKey.Enter)
                {
                    break;
                }

                if (key.Key == ConsoleKey.Backspace)
                {
                    if (length > 0)
                    {
                        typed[--length] = '\0';
                    }
                }
                else if (key.KeyChar != '\0' && !char.IsControl(key.KeyChar) && length < typed.Length)
                {
                    typed[length++] = key.KeyChar;
                }
            }

            Console.Error.WriteLine();
            ReadOnlySpan<char> chars = typed.AsSpan(0, length);
            byte[] bytes = Pinned(Encoding.UTF8.GetByteCount(chars));
            Encoding.UTF8.GetBytes(chars, bytes);
            return bytes;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(typed.AsSpan()));
        }
    }

    /// <summary>A pinned array: the garbage collector never copies it, so wiping it leaves no other copy behind.</summary>
    private static byte[] Pinned(int length) => GC.AllocateArray<byte>(length, pinned: true);
}
