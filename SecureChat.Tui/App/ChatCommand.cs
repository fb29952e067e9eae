namespace SecureChat.Tui.App;

/// <summary>
/// What a typed line asks for, the same in both modes: a message to send, one of the commands of a table
/// (<see cref="ChatCommands"/>) with what follows its name, or a command that does not exist. Command names are
/// case-insensitive; the bare word <c>exit</c> quits. A line that starts with <c>//</c> is a message with one
/// <c>/</c> removed, so a text that begins with a slash can still be sent. Immutable; <see cref="Parse(string)"/> is pure.
/// </summary>
internal abstract record ChatCommand
{
    private ChatCommand()
    {
    }

    /// <summary>A message that starts with this is an action (<c>/me waves</c>), shown as "* Bob waves".</summary>
    public const string MePrefix = "/me ";

    /// <summary>The command a line asks for among all commands of the table, or null for a blank line.</summary>
    public static ChatCommand? Parse(string line) => Parse(line, ChatCommands.All);

    /// <summary>The command a line asks for among <paramref name="commands"/>, or null for a blank line (nothing to do).</summary>
    public static ChatCommand? Parse(string line, IEnumerable<CommandEntry> commands)
    {
        string trimmed = line.Trim();
        if (trimmed.Length == 0)
        {
            return null;
        }

        if (line.Contains('\n', StringComparison.Ordinal))
        {
            // A multi-line draft (pasted, or typed with Ctrl+J) is always one message.
            return Message(line);
        }

        if (trimmed == ChatCommands.BareExit)
        {
            return new Run(ChatCommands.Quit, string.Empty, string.Empty);
        }

        if (!trimmed.StartsWith('/'))
        {
            return new Send(line);
        }

        if (trimmed.StartsWith("//", StringComparison.Ordinal))
        {
            return new Send(line.TrimStart()[1..]);
        }

        int space = trimmed.IndexOfAny([' ', '\t']);
        string name = (space < 0 ? trimmed : trimmed[..space]).ToLowerInvariant();
        string argument = space < 0 ? string.Empty : trimmed[(space + 1)..].Trim();

        // The text as it is after one separator (for /say: nothing in it is read as a command or as exit).
        string text = line.TrimStart()[name.Length..];
        text = text.Length > 0 ? text[1..] : text;
        return commands.FirstOrDefault(c => c.Spellings.Contains(name, StringComparer.Ordinal)) is { } command
            ? new Run(command, argument, text)
            : new Unknown(name);
    }

    /// <summary>
    /// <paramref name="text"/> as a message whatever it starts with (blank lines around it dropped), or null when
    /// it is blank.
    /// </summary>
    public static ChatCommand? Message(string text)
    {
        string message = text.Trim('\n', '\r');
        return message.Trim().Length == 0 ? null : new Send(message);
    }

    /// <summary>Send <paramref name="Text"/> as a chat message.</summary>
    public sealed record Send(string Text) : ChatCommand;

    /// <summary>
    /// Run <paramref name="Command"/>: <paramref name="Argument"/> is the rest of the line trimmed, <paramref name="Text"/>
    /// the rest as typed after one separator.
    /// </summary>
    public sealed record Run(CommandEntry Command, string Argument, string Text) : ChatCommand
    {
        /// <summary>The window it was typed in (<see cref="WindowInfo.Key"/>), or null when the view does not say (headless).</summary>
        public string? Window { get; init; }
    }

    /// <summary>A slash command that does not exist; <paramref name="Name"/> is its first word, lower case.</summary>
    public sealed record Unknown(string Name) : ChatCommand;
}
