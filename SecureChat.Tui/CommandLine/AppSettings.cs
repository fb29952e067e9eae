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

    /// <summary>The engine's defaults, which the server limits below start from.</summary>
    private static readonly Engine.Transport.ChatOptions s_engine = new();

    public ChatRole Role { get; init; }

    public string Host { get; init; } = DefaultHost;

    public int Port { get; init; } = DefaultPort;

    public string Name { get; init; } = string.Empty;

    public DhGroupId Group { get; init; } = DhGroupId.Ffdhe2048;

    public int Iterations { get; init; } = Engine.Transport.ChatOptions.MinimumIterations;

    public bool Headless { get; init; }

    /// <summary>Headless: the time (ISO 8601, local, with seconds) and a space before each printed line.</summary>
    public bool Timestamps { get; init; }

    /// <summary>Headless: one JSON object per line and event instead of text lines.</summary>
    public bool Json { get; init; }

    /// <summary>Full screen: how many lines the message pane keeps.</summary>
    public int Scrollback { get; init; } = Views.MessagePane.DefaultCapacity;

    /// <summary>Full screen: while the user is away, ring the bell once per burst of messages and count them in the title.</summary>
    public bool Bell { get; init; }

    /// <summary>Full screen: leave the mouse to the terminal (no mouse tracking), so a plain drag selects text.</summary>
    public bool NoMouse { get; init; }

    /// <summary>Client: the most PBKDF2 iterations accepted from a server.</summary>
    public int MaxIterations { get; init; } = Engine.Transport.ChatOptions.DefaultMaxIterations;

    /// <summary>The configuration directory (identity key, trust files); null for the default.</summary>
    public string? ConfigDir { get; init; }

    /// <summary>Client: the fingerprint of a changed server identity the user deliberately accepts for this run.</summary>
    public string? AcceptIdentity { get; init; }

    /// <summary>Server: when a proof of work is required.</summary>
    public Engine.Transport.PuzzleMode Puzzle { get; init; }

    public int PuzzleBits { get; init; } = 18;

    /// <summary>Server: handshakes per second per address before puzzles.</summary>
    public int SourceRate { get; init; } = 10;

    /// <summary>Server: handshakes in progress per address.</summary>
    public int PerSource { get; init; } = 16;

    /// <summary>Server: the longest a presence notice waits to go out with others (milliseconds; 0: at once).</summary>
    public int PresenceDelayMs { get; init; } = 250;

    /// <summary>Server: handshakes in progress at once.</summary>
    public int MaxHandshakes { get; init; } = s_engine.MaxHandshakes;

    /// <summary>Server: handshakes in progress from which a new one is refused at random.</summary>
    public int EarlyDropStart { get; init; } = s_engine.EarlyDropStart;

    /// <summary>Server: the chance of that refusal at <see cref="EarlyDropStart"/>, in percent.</summary>
    public int EarlyDropPercent { get; init; } = s_engine.EarlyDropPercent;

    /// <summary>Seconds from the TCP connection to a secure link.</summary>
    public int HandshakeTimeoutSeconds { get; init; } = (int)s_engine.HandshakeTimeout.TotalSeconds;

    /// <summary>Server: seconds a client in the handshake may stay silent while it owes the next message.</summary>
    public int HandshakeStepTimeoutSeconds { get; init; } = (int)s_engine.HandshakeStepTimeout.TotalSeconds;

    /// <summary>Server: PBKDF2 derivations running at once.</summary>
    public int MaxDerivations { get; init; } = s_engine.MaxDerivations;

    /// <summary>Server: seconds an address that failed key confirmation must solve puzzles (0: never).</summary>
    public int ConfirmationPenaltySeconds { get; init; } = (int)s_engine.ConfirmationPenalty.TotalSeconds;

    /// <summary>Server with a passphrase: failed key confirmations a minute over all sources before newcomers are refused (0: no budget).</summary>
    public int FailedConfirmations { get; init; } = s_engine.FailedConfirmations;

    /// <summary>Server: peers connected at once.</summary>
    public int MaxPeers { get; init; } = s_engine.MaxPeers;

    /// <summary>Server: peers connected at once from one source prefix.</summary>
    public int PeersPerSource { get; init; } = s_engine.PeersPerSource;

    /// <summary>Server: one peer's output budget, in KiB.</summary>
    public int PeerOutputKib { get; init; } = s_engine.PeerOutput / 1024;

    /// <summary>Server: the output budget over all peers, in KiB.</summary>
    public int ServerOutputKib { get; init; } = (int)(s_engine.ServerOutput / 1024);

    /// <summary>Server: the backlog in KiB at which a peer is dropped while the server-wide budget is spent.</summary>
    public int FairShareKib { get; init; } = s_engine.FairShare / 1024;

    /// <summary>Seconds a socket write may make no progress before the peer is dropped.</summary>
    public int WriteTimeoutSeconds { get; init; } = (int)s_engine.WriteTimeout.TotalSeconds;

    /// <summary>Server: name changes a peer may make at once.</summary>
    public int NickBurst { get; init; } = s_engine.NickBurst;

    /// <summary>Server: seconds per further name change after the burst.</summary>
    public int NickIntervalSeconds { get; init; } = (int)s_engine.NickInterval.TotalSeconds;

    public PassphraseSource PassphraseSource { get; init; }

    /// <summary>The file path or the environment variable name, by <see cref="PassphraseSource"/>.</summary>
    public string PassphraseLocation { get; init; } = string.Empty;

    /// <summary>"localhost:12345" or "[::1]:12345", as a person reads it.</summary>
    public string Address => App.StageWords.HostPort(Host, Port);
}
