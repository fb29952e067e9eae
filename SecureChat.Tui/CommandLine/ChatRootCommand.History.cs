using System.CommandLine;
using System.Globalization;

namespace SecureChat.Tui.CommandLine;

/// <summary>The history's options, and where each passphrase (the shared one, the history's) is read from.</summary>
internal sealed partial class ChatRootCommand
{
    private readonly Option<string> _dataDir = new("--data-dir")
    {
        Description = "where the history is kept (history.db, encrypted); created 0700",
        HelpName = "DIR",
    };

    private readonly Option<bool> _noHistory = new("--no-history") { Description = "keep no history: nothing is read from or written to the data directory" };
    private readonly Option<string> _historyDays = new("--history-days")
    {
        Description = string.Create(CultureInfo.InvariantCulture, $"delete history lines older than this many days, 0 to {AppSettings.HistoryDaysMax} (0 keeps every line)"),
        HelpName = "N",
    };

    private readonly Option<bool> _historyPassphrasePrompt = new("--history-passphrase-prompt") { Description = "ask for the history passphrase, typed without echo (without one, the history key is kept in history.key)" };
    private readonly Option<string> _historyPassphraseFile = new("--history-passphrase-file") { Description = "read the history passphrase from the first line of a file", HelpName = "PATH" };
    private readonly Option<string> _historyPassphraseEnv = new("--history-passphrase-env") { Description = "read the history passphrase from an environment variable", HelpName = "VAR" };
    private (PassphraseSource Source, string Location) BindPassphrase(ParseResult result)
    {
        var chosen = new List<(PassphraseSource, string)>();
        if (result.GetValue(_passphrasePrompt))
        {
            chosen.Add((PassphraseSource.Prompt, string.Empty));
        }

        if (result.GetValue(_passphraseFile) is { } file)
        {
            chosen.Add((PassphraseSource.File, file));
        }

        if (result.GetValue(_passphraseEnv) is { } variable)
        {
            chosen.Add((PassphraseSource.Environment, variable));
        }

        return chosen.Count switch
        {
            0 => (PassphraseSource.None, string.Empty),
            1 => chosen[0],
            _ => throw new UsageException("use only one of --passphrase-prompt, --passphrase-file and --passphrase-env"),
        };
    }

    private (PassphraseSource Source, string Location) BindHistoryPassphrase(ParseResult result)
    {
        var chosen = new List<(PassphraseSource, string)>();
        if (result.GetValue(_historyPassphrasePrompt))
        {
            chosen.Add((PassphraseSource.Prompt, string.Empty));
        }

        if (result.GetValue(_historyPassphraseFile) is { } file)
        {
            chosen.Add((PassphraseSource.File, file));
        }

        if (result.GetValue(_historyPassphraseEnv) is { } variable)
        {
            chosen.Add((PassphraseSource.Environment, variable));
        }

        return chosen.Count switch
        {
            0 => (PassphraseSource.None, string.Empty),
            1 => chosen[0],
            _ => throw new UsageException("use only one of --history-passphrase-prompt, --history-passphrase-file and --history-passphrase-env"),
        };
    }
}
