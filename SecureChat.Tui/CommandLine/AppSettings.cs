using SecureChat.Engine.Crypto;

namespace SecureChat.Tui.CommandLine;

/// <summary>
/// Everything the command line decided, before any secret is read. Immutable.
/// <see cref="Host"/> and <see cref="Port"/> are where a server listens or where a client connects.
/// </summary>
internal sealed record AppSettings
{
    public const string DefaultHost = "localhost";
    public const int DefaultPort = 12345;

    /// <summary>The most days <c>--history-days</c> takes (about 100 years).</summary>
    public const int HistoryDaysMax = 36_500;

    public ChatRole Role { get; init; }

    public string Host { get; init; } = DefaultHost;

    public int Port { get; init; } = DefaultPort;

    public string Name { get; init; } = string.Empty;

    public DhGroupId Group { get; init; } = DhGroupId.Ffdhe2048;

    public int Iterations { get; init; } = Engine.Transport.ChatOptions.MinimumIterations;

    public bool Headless { get; init; }

    /// <summary>
    /// How long a client waits for its connection before it opens the full screen: a refusal within it is one line and
    /// the screen never flashes. Not an option (a test lengthens it so that a slow machine cannot make it flash).
    /// </summary>
    public TimeSpan OpenDelay { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Headless: the time (ISO 8601, local, with seconds) and a space before each printed line.</summary>
    public bool Timestamps { get; init; }

    /// <summary>Headless: one JSON object per line and event instead of text lines.</summary>
    public bool Json { get; init; }

    /// <summary>Full screen: how many lines the message pane keeps.</summary>
    public int Scrollback { get; init; } = Views.MessagePane.DefaultCapacity;

    /// <summary>Full screen: while the user is away, ring the bell once per burst of messages and count them in the title.</summary>
    public bool Bell { get; init; }

    /// <summary>
    /// Client: connect again when the link to the server is lost (on by default on the full screen, <c>--no-reconnect</c>
    /// turns it off; headless only with <c>--reconnect</c>, so a script ends when its server goes away).
    /// </summary>
    public bool Reconnect { get; init; }

    /// <summary>Full screen: leave the mouse to the terminal (no mouse tracking), so a plain drag selects text.</summary>
    public bool NoMouse { get; init; }

    /// <summary>Client: the most PBKDF2 iterations accepted from a server.</summary>
    public int MaxIterations { get; init; } = Engine.Transport.ChatOptions.DefaultMaxIterations;

    /// <summary>The configuration directory (identity key, trust files); null for the default.</summary>
    public string? ConfigDir { get; init; }

    /// <summary>Client: the fingerprint of a changed server identity the user deliberately accepts for this run.</summary>
    public string? AcceptIdentity { get; init; }

    /// <summary>
    /// The limits of the limits table (<see cref="ServerLimits"/>) as the engine takes them: its defaults, with the
    /// config file's values and then the command line's. Only those fields are set.
    /// </summary>
    public Engine.Transport.ChatOptions Limits { get; init; } = new();

    public PassphraseSource PassphraseSource { get; init; }

    /// <summary>The file path or the environment variable name, by <see cref="PassphraseSource"/>.</summary>
    public string PassphraseLocation { get; init; } = string.Empty;

    /// <summary>Where the history is kept (<c>--data-dir</c>); null for the default (see <c>DataDirectory.Resolve</c>).</summary>
    public string? DataDir { get; init; }

    /// <summary>Keep no history: nothing is read from or written to the data directory (<c>--no-history</c>).</summary>
    public bool NoHistory { get; init; }

    /// <summary>How many days the history keeps a line; 0 keeps every line (<c>--history-days</c>, <c>history-days</c>).</summary>
    public int HistoryDays { get; init; }

    /// <summary>Where the history passphrase comes from; none keeps the history key in <c>history.key</c> instead.</summary>
    public PassphraseSource HistoryPassphraseSource { get; init; }

    /// <summary>The file path or the environment variable name, by <see cref="HistoryPassphraseSource"/>.</summary>
    public string HistoryPassphraseLocation { get; init; } = string.Empty;

    /// <summary>"localhost:12345" or "[::1]:12345", as a person reads it.</summary>
    public string Address => App.StageWords.HostPort(Host, Port);
}
