namespace SecureChat.Tui.App;

/// <summary>
/// A server whose identity differs from the one pinned for its address, refused before anything was sent to it
/// (exit code 3): where it is, the fingerprint remembered (and since when), the one it presented, and the only way
/// to accept it: the user runs again with <c>--accept-identity</c> and exactly the presented fingerprint, after
/// comparing it with the server's operator out of band. <see cref="Lines"/> is the ssh-style warning printed on
/// the terminal when the run is over (so it stays in the scrollback); the full screen shows the same facts in a
/// modal warning first. Immutable.
/// </summary>
internal sealed record IdentityRefusal(string Endpoint, string Remembered, DateOnly? FirstSeen, string Presented)
{
    /// <summary>The <c>--accept-identity</c> value given this run, when it was not the presented identity (null when none was given).</summary>
    public string? GivenAccept { get; init; }

    /// <summary>The option and value that accept the presented identity, quoted for a shell.</summary>
    public string AcceptOption => $"--accept-identity \"{Presented}\"";

    /// <summary>"(first seen 2026-07-01)" or nothing.</summary>
    public string Since => FirstSeen is { } since ? $"(first seen {since:yyyy-MM-dd})" : string.Empty;

    public IReadOnlyList<string> Lines =>
    [
        $"WARNING: THE IDENTITY OF THE SERVER AT {Endpoint} HAS CHANGED. Nothing was sent to it.",
        "Someone may be impersonating it (a man in the middle), or its operator may have replaced its identity key.",
        $"Remembered identity: {Remembered}{(Since.Length > 0 ? " " + Since : string.Empty)}",
        $"Presented identity:  {Presented}",
        .. GivenAccept is null ? Array.Empty<string>() : [$"The --accept-identity value given ({GivenAccept}) is not the presented identity: nothing was accepted."],
        "Ask the server's operator for its fingerprint by phone or in person. Only if it matches the presented one, run once with:",
        $"  {AcceptOption}",
    ];

    /// <summary>What the engine is told (it becomes the link's failure detail): the first two lines.</summary>
    public string Summary => string.Join(' ', Lines.Take(2));
}
