using System.CommandLine;

namespace SecureChat.Tui.CommandLine;

/// <summary>
/// One row of the option table: the parser's option, the help section it is listed in and where it acts. The help
/// and the role checks are built from these rows alone, so an option added to the table is listed and checked
/// with no other change. Immutable.
/// </summary>
internal sealed record OptionEntry(Option Option, OptionGroup Group, OptionScope Scope)
{
    /// <summary>The default exactly as the parser accepts it ("100000", "auto"); null when none can be typed.</summary>
    public string? Default { get; init; }

    /// <summary>Words about the default: after <see cref="Default"/> ("8 MiB"), or in its place when that is null.</summary>
    public string? DefaultNote { get; init; }

    /// <summary>Said after the refusal of this option on the other side, where a user needs a pointer to what to type instead.</summary>
    public string? MisplacedHint { get; init; }
}
