using System.Globalization;
using SecureChat.Engine.Transport;

namespace SecureChat.Tui.CommandLine;

/// <summary>
/// One row of the limits table (<see cref="ServerLimits"/>): a server limit under one name, which is the option
/// (<c>--max-peers</c>), the config file key (<c>max-peers</c>) and, in PascalCase, the engine's field
/// (<see cref="ChatOptions.MaxPeers"/>). The value is a whole number in <see cref="Unit"/> within
/// [<see cref="Min"/>, <see cref="Max"/>] (a choice is the index of its word); the default is the engine's own,
/// so the help, the config file and the engine cannot disagree. Immutable and thread-safe.
/// </summary>
/// <param name="Key">The name: the option without its dashes, and the config key.</param>
/// <param name="Get">The engine's value, in <paramref name="Unit"/>.</param>
/// <param name="Set">The engine's options with this value, given in <paramref name="Unit"/>.</param>
internal sealed record ServerLimit(string Key, LimitUnit Unit, int Min, int Max, string Help, Func<ChatOptions, int> Get, Func<ChatOptions, int, ChatOptions> Set)
{
    private static readonly ChatOptions s_engine = new();

    /// <summary><see cref="OptionScope.Server"/>, or <see cref="OptionScope.Any"/> for a limit that acts on a client too.</summary>
    public OptionScope Scope { get; init; } = OptionScope.Server;

    /// <summary>Words after the default in the help ("8 MiB", "one per core").</summary>
    public string? Note { get; init; }

    /// <summary>For <see cref="LimitUnit.Choice"/>: the words, each value the index of its word.</summary>
    public IReadOnlyList<string> Choices { get; init; } = [];

    /// <summary>"--max-peers".</summary>
    public string OptionName => "--" + Key;

    /// <summary>The engine's default, in <see cref="Unit"/>.</summary>
    public int Default => Get(s_engine);

    /// <summary>What the help shows for the value: N, SECONDS, KIB, ...</summary>
    public string HelpName => Unit switch
    {
        LimitUnit.Percent => "P",
        LimitUnit.Milliseconds => "MS",
        LimitUnit.Seconds => "SECONDS",
        LimitUnit.Kib => "KIB",
        LimitUnit.Choice => "MODE",
        _ => "N",
    };

    /// <summary>The help line: what the limit does and the values it takes.</summary>
    public string Description => Unit == LimitUnit.Choice
        ? Help
        : string.Create(CultureInfo.InvariantCulture, $"{Help}; {Min} to {Max}");

    /// <summary>"auto", "18": a value as it is typed.</summary>
    public string Text(int value) => Unit == LimitUnit.Choice ? Choices[value] : value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A value as typed on the command line: a whole number in range, or one of the words in any case.</summary>
    public bool TryParse(string text, out int value)
    {
        if (Unit == LimitUnit.Choice)
        {
            value = Choices.Select((word, i) => string.Equals(word, text, StringComparison.OrdinalIgnoreCase) ? i : -1).FirstOrDefault(i => i >= 0, -1);
            return value >= 0;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= Min && value <= Max;
    }

    /// <summary>The one-line refusal of a bad value on the command line.</summary>
    public string UsageError => Unit == LimitUnit.Choice
        ? $"{OptionName} must be {Words(Choices)}"
        : string.Create(CultureInfo.InvariantCulture, $"{OptionName} must be a number from {Min} to {Max}");

    /// <summary>Why <paramref name="value"/> is out of range ("0 is below the minimum 1"); null when it is in range.</summary>
    public string? RangeProblem(long value) =>
        value < Min ? string.Create(CultureInfo.InvariantCulture, $"{value} is below the minimum {Min}")
        : value > Max ? string.Create(CultureInfo.InvariantCulture, $"{value} is above the maximum {Max}")
        : null;

    /// <summary>"auto, always or never".</summary>
    public static string Words(IReadOnlyList<string> words) =>
        words.Count == 1 ? words[0] : $"{string.Join(", ", words.Take(words.Count - 1))} or {words[^1]}";
}
