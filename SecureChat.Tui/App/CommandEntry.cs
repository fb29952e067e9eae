namespace SecureChat.Tui.App;

/// <summary>
/// One command of <see cref="ChatCommands"/>: its name and other spellings, the argument it takes (empty: none),
/// one line of help, the roles and modes it is for, and what it does. Parsing, Tab completion and <c>/help</c> all
/// read it, so a command exists for all three or for none. Immutable.
/// </summary>
/// <param name="Name">The name, lower case with its slash: <c>/nick</c>.</param>
/// <param name="Usage">The argument as help shows it (<c>NAME</c>, <c>[NAME]</c>), or empty when it takes none.</param>
/// <param name="Help">What it does, in one line.</param>
/// <param name="Handler">Runs it on a model; the task completes when a message it sends was handed to the engine.</param>
internal sealed record CommandEntry(string Name, string Usage, string Help, Func<ChatModel, ChatCommand.Run, Task> Handler)
{
    /// <summary>Other names that run the same command (<c>/exit</c> for <c>/quit</c>), lower case.</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    public CommandRoles Roles { get; init; } = CommandRoles.Both;

    public CommandModes Modes { get; init; } = CommandModes.Both;

    /// <summary>The name, then the aliases.</summary>
    public IEnumerable<string> Spellings => Aliases.Prepend(Name);

    /// <summary>How it is typed: <c>/nick NAME</c>.</summary>
    public string Synopsis => Usage.Length == 0 ? Name : $"{Name} {Usage}";

    /// <summary>Whether a model of this role in this mode has the command.</summary>
    public bool IsFor(bool isServer, CommandModes mode) =>
        (Roles & (isServer ? CommandRoles.Server : CommandRoles.Client)) != 0 && (Modes & mode) != 0;

    /// <summary>The line that says how to use it, with <paramref name="hint"/> (for example an example) after it.</summary>
    public string UsageLine(string hint) => $"usage: {Synopsis} ({hint})";
}
