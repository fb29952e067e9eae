using SecureChat.Engine.Transport;

namespace SecureChat.Tui.CommandLine;

/// <summary>
/// One table of <c>config.toml</c>: <c>[server]</c>, <c>[client]</c> or a <c>[profiles.NAME]</c>; each value null
/// (or absent from <see cref="Limits"/>) when the file does not give it. Checked when read. Immutable.
/// </summary>
internal sealed record ConfigSection
{
    public static ConfigSection Empty { get; } = new();

    public string? Host { get; init; }

    public int? Port { get; init; }

    public string? Name { get; init; }

    /// <summary>The passphrase file's full path (never the passphrase itself).</summary>
    public string? PassphraseFile { get; init; }

    /// <summary>How many days the history keeps a line (0: every line), or null when not set.</summary>
    public int? HistoryDays { get; init; }

    /// <summary>Values of the limits table by key, in the table's units.</summary>
    public IReadOnlyDictionary<string, int> Limits { get; init; } = new Dictionary<string, int>();

    /// <summary><paramref name="options"/> with this table's limits.</summary>
    public ChatOptions Apply(ChatOptions options) =>
        Limits.Aggregate(options, (o, limit) => ServerLimits.Find(limit.Key)!.Set(o, limit.Value));
}
