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

    public ChatRole Role { get; init; }

    public string Host { get; init; } = DefaultHost;

    public int Port { get; init; } = DefaultPort;

    public string Name { get; init; } = string.Empty;

    public DhGroupId Group { get; init; } = DhGroupId.Ffdhe2048;

    public int Iterations { get; init; } = Engine.Transport.ChatOptions.MinimumIterations;

    public bool Headless { get; init; }

    /// <summary>Headless: "HH:mm " before each printed line.</summary>
    public bool Timestamps { get; init; }

    /// <summary>Full screen: how many lines the message pane keeps.</summary>
    public int Scrollback { get; init; } = Views.MessagePane.DefaultCapacity;

    /// <summary>Full screen: ring the terminal bell when a message arrives.</summary>
    public bool Bell { get; init; }

    public PassphraseSource PassphraseSource { get; init; }

    /// <summary>The file path or the environment variable name, by <see cref="PassphraseSource"/>.</summary>
    public string PassphraseLocation { get; init; } = string.Empty;

    /// <summary>"localhost:12345" or "[::1]:12345", as a person reads it.</summary>
    public string Address => App.StageWords.HostPort(Host, Port);
}
