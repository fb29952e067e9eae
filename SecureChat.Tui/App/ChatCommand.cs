namespace SecureChat.Tui.App;

/// <summary>
/// What a typed line asks for, the same in both modes: a message to send, or one of the commands of
/// <see cref="CommandNames"/>: <c>/help</c>, <c>/fingerprint</c>, <c>/identity</c>, <c>/verify [NAME]</c>,
/// <c>/rekey</c>, <c>/peers</c>, <c>/names</c>, <c>/nick NAME</c>, <c>/me ACTION</c>, <c>/say TEXT</c> (TEXT sent as
/// it is, even <c>exit</c>), <c>/clear</c> and <c>/quit</c> or <c>/exit</c> (also the bare word <c>exit</c>). Command
/// names are case-insensitive. A line that starts with <c>//</c> is a message with one
/// <c>/</c> removed, so a text that begins with a slash can still be sent. Immutable; <see cref="Parse"/> is pure.
/// </summary>
internal abstract record ChatCommand
{
    private ChatCommand()
    {
    }

    /// <summary>The command a line asks for, or null for a blank line (nothing to do).</summary>
    public static ChatCommand? Parse(string line)
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

        if (trimmed == "exit")
        {
            return new Quit();
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
        if (name == "/say")
        {
            // The text as it is after one separator: nothing in it is read as a command or as exit.
            string text = line.TrimStart()[name.Length..];
            text = text.Length > 0 ? text[1..] : text;
            return text.Trim().Length > 0 ? new Send(text) : new Usage("usage: /say TEXT (sends TEXT as it is, for example: /say exit)");
        }

        return name switch
        {
            "/nick" => new Nick(argument),
            "/rekey" => new Rekey(),
            "/fingerprint" => new Fingerprint(),
            "/peers" => new Peers(),
            "/clear" => new Clear(),
            "/quit" or "/exit" => new Quit(),
            "/help" => new Help(),
            "/me" => argument.Length > 0 ? new Send(MePrefix + argument) : new Usage("usage: /me ACTION (for example: /me waves)"),
            "/names" => new Names(),
            "/verify" => new Verify(argument),
            "/identity" => new OwnIdentity(),
            _ => new Unknown(name),
        };
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

    /// <summary>A message that starts with this is an action (<c>/me waves</c>), shown as "* Bob waves".</summary>
    public const string MePrefix = "/me ";

    /// <summary>Every command name, for /help and Tab completion.</summary>
    public static IReadOnlyList<string> CommandNames { get; } = ["/help", "/fingerprint", "/verify", "/rekey", "/peers", "/names", "/identity", "/nick", "/me", "/say", "/clear", "/quit", "/exit"];

    /// <summary>Send <paramref name="Text"/> as a chat message.</summary>
    public sealed record Send(string Text) : ChatCommand;

    /// <summary>Change this side's display name (empty when none was given).</summary>
    public sealed record Nick(string Name) : ChatCommand;

    /// <summary>Run a fresh key exchange on every secure link.</summary>
    public sealed record Rekey : ChatCommand;

    /// <summary>Show each secure link's fingerprint and SAS, and how to compare them.</summary>
    public sealed record Fingerprint : ChatCommand;

    /// <summary>Show who is connected.</summary>
    public sealed record Peers : ChatCommand;

    /// <summary>Clear the message pane.</summary>
    public sealed record Clear : ChatCommand;

    /// <summary>Close the connection and leave.</summary>
    public sealed record Quit : ChatCommand;

    /// <summary>List who is in the chat (from join, leave and rename notices).</summary>
    public sealed record Names : ChatCommand;

    /// <summary>Mark a peer's identity verified after comparing the SAS out of band (a server names the client; empty: the only one).</summary>
    public sealed record Verify(string Name) : ChatCommand;

    /// <summary>Show this side's own identity fingerprint (what a peer compares, as ssh-keygen -l shows a key's).</summary>
    public sealed record OwnIdentity : ChatCommand;

    /// <summary>List the commands.</summary>
    public sealed record Help : ChatCommand;

    /// <summary>A command used the wrong way; <paramref name="Text"/> says how to use it.</summary>
    public sealed record Usage(string Text) : ChatCommand;

    /// <summary>A slash command that does not exist; <paramref name="Name"/> is its first word, lower case.</summary>
    public sealed record Unknown(string Name) : ChatCommand;
}
