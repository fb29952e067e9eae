using System.CommandLine;
using System.Globalization;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Transport;

namespace SecureChat.Tui.CommandLine;

/// <summary>
/// The command line, exactly as users type it: <c>--server [--host H] [--port P]</c> or
/// <c>--client [host] [port]</c>, plus the shared options, over the values of <c>config.toml</c>. Parse errors and
/// a bad config file become one line on stderr and exit code 2.
/// </summary>
internal static class ChatCommandLine
{
    public const int UsageExitCode = 2;

    /// <summary>Parses <paramref name="args"/> and calls <paramref name="run"/> with the result; returns the exit code.</summary>
    /// <param name="loadConfig">Reads the config file of a config directory (null: the default one); null reads none.</param>
    public static int Invoke(string[] args, Func<AppSettings, int> run, TextWriter? error = null, Func<string?, ConfigFile>? loadConfig = null)
    {
        error ??= Console.Error;
        var command = new ChatRootCommand();
        ParseResult result = command.Parse(args);
        if (result.Action is not HelpText && command.FirstParseError(result) is { } problem)
        {
            error.WriteLine($"securechat: {OneLine(problem)} (see --help)");
            return UsageExitCode;
        }

        if (result.Action is not null)
        {
            // --help or --version: the only actions; the chat itself runs below.
            return result.Invoke();
        }

        AppSettings settings;
        try
        {
            settings = command.Bind(result, loadConfig?.Invoke(command.ConfigDir(result)));
        }
        catch (ConfigFileInvalidException e)
        {
            error.WriteLine($"securechat: {e.Message}");
            return UsageExitCode;
        }
        catch (UsageException e)
        {
            error.WriteLine($"securechat: {e.Message} (see --help)");
            return UsageExitCode;
        }

        return run(settings);
    }

    /// <summary>A whole number option in [min, max], or its default when absent; a plain-words usage error otherwise.</summary>
    internal static int Number(string? text, string option, int min, int max, int fallback) =>
        text is null ? fallback
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= min && n <= max ? n
        : throw new UsageException($"{option} must be a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}");

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>Binds without running: for tests and for <see cref="Invoke"/>.</summary>
    public static AppSettings Parse(string[] args, ConfigFile? config = null)
    {
        var command = new ChatRootCommand();
        ParseResult result = command.Parse(args);
        if (command.FirstParseError(result) is { } problem)
        {
            throw new UsageException(OneLine(problem));
        }

        return command.Bind(result, config);
    }
}
