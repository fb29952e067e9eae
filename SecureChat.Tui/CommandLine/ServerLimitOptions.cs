using System.CommandLine;
using SecureChat.Engine.Transport;

namespace SecureChat.Tui.CommandLine;

/// <summary>
/// The command-line options of the limits table (<see cref="ServerLimits"/>), one per row, each named after its
/// row; a server's alone except the two timeouts that act on a client too, which the help lists among the
/// connection options. Not thread-safe; one per parse.
/// </summary>
internal sealed class ServerLimitOptions
{
    private readonly (ServerLimit Limit, Option<string> Option)[] _rows = ServerLimits.All
        .Select(l => (l, new Option<string>(l.OptionName) { Description = l.Description, HelpName = l.HelpName }))
        .ToArray();

    /// <summary>In the order of the table.</summary>
    public IEnumerable<OptionEntry> Entries => _rows.Select(r => new OptionEntry(r.Option, r.Limit.Scope == OptionScope.Server ? OptionGroup.ServerLimits : OptionGroup.Connection, r.Limit.Scope)
    {
        Default = r.Limit.Text(r.Limit.Default),
        DefaultNote = r.Limit.Note,
    });

    /// <summary>
    /// <paramref name="limits"/> (the defaults, or the config file's values) with the limits given on the command
    /// line; a plain-words usage error for a bad one, or for limits that contradict each other.
    /// </summary>
    public ChatOptions Bind(ParseResult result, ChatOptions limits, Func<ServerLimit, string>? origin = null)
    {
        var given = new HashSet<ServerLimit>();
        foreach ((ServerLimit limit, Option<string> option) in _rows)
        {
            if (result.GetValue(option) is { } text)
            {
                limits = limit.TryParse(text, out int value) ? limit.Set(limits, value) : throw new UsageException(limit.UsageError);
                given.Add(limit);
            }
        }

        // Past the bound the early drop would never happen: say so rather than turn it off without a word.
        string? conflict = ServerLimits.Conflict(limits, l => given.Contains(l) ? string.Empty : origin?.Invoke(l) ?? " (the default)");
        return conflict is null ? limits : throw new UsageException(conflict);
    }
}
