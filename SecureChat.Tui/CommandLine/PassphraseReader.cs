using System.Text;

namespace SecureChat.Tui.CommandLine;

/// <summary>
/// Reads the optional shared passphrase from where <see cref="AppSettings.PassphraseSource"/> says, as UTF-8 bytes.
/// The caller owns the array and wipes it when the endpoint is gone.
/// </summary>
internal static class PassphraseReader
{
    public static byte[] Read(AppSettings settings)
    {
        switch (settings.PassphraseSource)
        {
            case PassphraseSource.None:
                return [];
            case PassphraseSource.File:
                string text = ReadFile(settings.PassphraseLocation);

                // The first line only: editors add a final newline that the other side would not type.
                int end = text.IndexOfAny(['\r', '\n']);
                return NonEmpty(Encoding.UTF8.GetBytes(end >= 0 ? text[..end] : text), "the passphrase file's first line is empty");
            case PassphraseSource.Environment:
                string? value = Environment.GetEnvironmentVariable(settings.PassphraseLocation);
                if (value is null)
                {
                    throw new UsageException($"the environment variable {settings.PassphraseLocation} is not set");
                }

                return NonEmpty(Encoding.UTF8.GetBytes(value), $"the environment variable {settings.PassphraseLocation} is empty");
            case PassphraseSource.Prompt:
                if (Console.IsInputRedirected)
                {
                    throw new UsageException("--passphrase-prompt needs a terminal; use --passphrase-file or --passphrase-env");
                }

                return NonEmpty(Prompt("Passphrase (shared with your peer, not shown): "), "the passphrase is empty");
            default:
                throw new InvalidOperationException("unknown passphrase source");
        }
    }

    /// <summary>The file's text, or a usage error that says in plain words why it cannot be read.</summary>
    private static string ReadFile(string path)
    {
        if (Directory.Exists(path))
        {
            throw new UsageException($"the passphrase file {path} is a directory; give the path of a file");
        }

        try
        {
            return File.ReadAllText(path, Encoding.UTF8);
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
    }

    private static byte[] NonEmpty(byte[] bytes, string message) => bytes.Length > 0 ? bytes : throw new UsageException(message);

    private static byte[] Prompt(string prompt)
    {
        Console.Error.Write(prompt);
        var typed = new StringBuilder();
        while (true)
        {
            ConsoleKeyInfo key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                break;
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (typed.Length > 0)
                {
                    typed.Length--;
                }
            }
            else if (key.KeyChar != '\0' && !char.IsControl(key.KeyChar))
            {
                typed.Append(key.KeyChar);
            }
        }

        Console.Error.WriteLine();
        byte[] bytes = Encoding.UTF8.GetBytes(typed.ToString());
        typed.Clear();
        return bytes;
    }
}
