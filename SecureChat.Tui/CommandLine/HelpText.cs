using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Text;

namespace SecureChat.Tui.CommandLine;

/// <summary>
/// <c>--help</c>: the options by section (<see cref="OptionGroup"/>), within <see cref="Width"/> columns, each with
/// where it acts ("server:", "full screen:") and its default written as the parser accepts it. Built from the
/// option table (<see cref="ChatRootCommand.Entries"/>) alone, so an option added there is listed in its section
/// with no change here. Thread-safe (pure).
/// </summary>
internal sealed class HelpText(ChatRootCommand command) : SynchronousCommandLineAction
{
    /// <summary>The narrowest terminal in common use; no line of the help is wider.</summary>
    public const int Width = 80;

    /// <summary>Options with a longer name and value put their description on the next line.</summary>
    private const int LabelMax = 24;

    private const int DescriptionColumn = 2 + LabelMax + 2;

    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parseResult)
    {
        parseResult.InvocationConfiguration.Output.Write(Render(command));
        return 0;
    }

    /// <summary>The whole help, lines ended with <see cref="Environment.NewLine"/>.</summary>
    public static string Render(ChatRootCommand command)
    {
        var text = new StringBuilder();
        Wrap(text, command.Description ?? string.Empty, string.Empty, Width);
        text.AppendLine();
        text.AppendLine("Usage:");
        text.AppendLine("  ./run.sh --server [--host HOST] [--port PORT] [options]");
        text.AppendLine("  ./run.sh --client [HOST [PORT] | PROFILE] [options]");
        text.AppendLine();
        text.AppendLine("config.toml in the config directory may hold the server limits, [server] and");
        text.AppendLine("[client] defaults and [profiles.NAME] (README, \"Config file\"); the command");
        text.AppendLine("line overrides it.");
        foreach (IGrouping<OptionGroup, OptionEntry> section in command.Entries.GroupBy(e => e.Group).OrderBy(g => g.Key))
        {
            text.AppendLine();
            text.Append(Title(section.Key)).AppendLine(":");
            foreach (OptionEntry entry in section)
            {
                Row(text, entry);
            }
        }

        return text.ToString();
    }

    /// <summary>"--port PORT", "--client [HOST [PORT]]", "-h, --help".</summary>
    public static string Label(Option option)
    {
        string names = string.Join(", ", option.Aliases.Where(a => a.Length == 2 && a[0] == '-' && char.IsLetter(a[1])).Append(option.Name));
        return option is Option<bool> || option is HelpOption || option is VersionOption || string.IsNullOrEmpty(option.HelpName)
            ? names
            : $"{names} {option.HelpName}";
    }

    /// <summary>The description as the help shows it: where the option acts, what it does, its default.</summary>
    public static string Description(OptionEntry entry)
    {
        string scope = entry.Scope switch
        {
            OptionScope.Server => "server: ",
            OptionScope.Client => "client: ",
            OptionScope.FullScreen => "full screen: ",
            OptionScope.Headless => "headless: ",
            OptionScope.ClientFullScreen => "client, full screen: ",
            OptionScope.ClientHeadless => "client, headless: ",
            _ => string.Empty,
        };
        string? defaults = (entry.Default, entry.DefaultNote) switch
        {
            ({ } value, { } note) => $"{value}, {note}",
            ({ } value, null) => value,
            (null, { } note) => note,
            _ => null,
        };
        return scope + entry.Option.Description + (defaults is null ? string.Empty : $" (default: {defaults})");
    }

    private static string Title(OptionGroup group) => group switch
    {
        OptionGroup.Connection => "Connection",
        OptionGroup.IdentityAndTrust => "Identity and trust",
        OptionGroup.Display => "Display",
        OptionGroup.History => "History",
        OptionGroup.ServerLimits => "Server limits",
        _ => "Help",
    };

    private static void Row(StringBuilder text, OptionEntry entry)
    {
        string label = "  " + Label(entry.Option);
        string indent = new(' ', DescriptionColumn);
        if (label.Length + 2 > DescriptionColumn)
        {
            text.AppendLine(label);
            Wrap(text, Description(entry), indent, Width);
            return;
        }

        var first = new StringBuilder();
        Wrap(first, Description(entry), indent, Width);
        text.Append(label.PadRight(DescriptionColumn)).Append(first.ToString(DescriptionColumn, first.Length - DescriptionColumn));
    }

    /// <summary>Appends <paramref name="words"/> as lines of at most <paramref name="width"/> columns, each after <paramref name="indent"/>.</summary>
    private static void Wrap(StringBuilder text, string words, string indent, int width)
    {
        var line = new StringBuilder(indent);
        foreach (string word in words.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > indent.Length && line.Length + 1 + word.Length > width)
            {
                text.AppendLine(line.ToString());
                line.Clear().Append(indent);
            }

            line.Append(line.Length > indent.Length ? " " : string.Empty).Append(word);
        }

        text.AppendLine(line.ToString());
    }
}
