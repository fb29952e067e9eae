using SecureChat.Engine.Chat;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Transport;

/// <summary>How a <see cref="ChatClient"/> or <see cref="ChatServer"/> behaves. Immutable.</summary>
public sealed record ChatOptions
{
    /// <summary>Smallest PBKDF2 iteration count anyone may configure (also the default).</summary>
    public const int MinimumIterations = WireFormat.IterationsDefault;

    /// <summary>Largest PBKDF2 iteration count a peer may ask for.</summary>
    public const int MaximumIterations = WireFormat.IterationsCap;

    /// <summary>Largest chat message, in UTF-8 bytes.</summary>
    public const int MaxMessageBytes = WireFormat.ChatTextMax;

    /// <summary>Largest display name, in UTF-8 bytes.</summary>
    public const int MaxNameBytes = WireFormat.NameMax;

    /// <summary>
    /// True when <paramref name="text"/> fits in one chat message: well-formed UTF-16 (no lone surrogate) of at
    /// most <see cref="MaxMessageBytes"/> bytes of UTF-8. The same rule the engine applies when sealing.
    /// </summary>
    public static bool IsValidMessage(string text) => RecordPayload.TryGetUtf8Length(text, out int length) && length <= MaxMessageBytes;

    /// <summary>
    /// True when <paramref name="name"/>, once in NFC, is a valid display name (<see cref="NameRules"/>: 1 to 32 visible
    /// characters, at most <see cref="MaxNameBytes"/> bytes of UTF-8, nothing invisible, nothing that looks like a notice).
    /// </summary>
    public static bool IsValidName(string name) => NameRules.TryValidate(name, out _, out _);

    /// <summary>The display name sent to peers; empty means "Client" or "Server" by role.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>The smallest Diffie-Hellman group accepted (larger ones are offered and accepted too).</summary>
    public DhGroupId Group { get; init; } = DhGroupId.Ffdhe2048;

    /// <summary>PBKDF2 iterations: what a client proposes, and the minimum either side accepts.</summary>
    public int Iterations { get; init; } = MinimumIterations;

    /// <summary>UTF-8 bytes of an optional passphrase both sides know (empty for none). Not copied.</summary>
    public byte[] Passphrase { get; init; } = [];

    /// <summary>A connection that is not secure this long after TCP came up is closed.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Server: most connections in the handshake at once; more are refused as busy.</summary>
    public int MaxPendingHandshakes { get; init; } = 256;

    /// <summary>Server: most PBKDF2 derivations running at once (the costly step); default: one per core.</summary>
    public int MaxConcurrentDerivations { get; init; } = Environment.ProcessorCount;

    /// <summary>Server: most peers connected at once (handshaking or secure).</summary>
    public int MaxPeers { get; init; } = 4096;

    /// <summary>Bytes sealed for a peer but not yet written to its socket before a local send waits.</summary>
    public int SendBufferLimit { get; init; } = 1 << 20;

    /// <summary>Bytes queued for a peer by relaying before that peer is dropped as too slow.</summary>
    public int RelayBufferLimit { get; init; } = 8 << 20;

    /// <summary>Records sent under one set of keys before a rekey starts by itself.</summary>
    public long RekeyAfterRecords { get; init; } = WireFormat.RekeyAfterRecords;

    /// <summary>Time under one set of keys before a rekey starts by itself (checked on each tick and each send).</summary>
    public TimeSpan RekeyAfterTime { get; init; } = WireFormat.RekeyAfterTime;

    /// <summary>How often a secure link's timers are checked (rekey by age; later heartbeats and idle limits).</summary>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The clock for deadlines and timers (tests substitute a manual one).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Throws <see cref="ArgumentException"/> with a one-line message when a setting is out of range.</summary>
    public void Validate()
    {
        if (Iterations is < MinimumIterations or > MaximumIterations)
        {
            throw new ArgumentException($"iterations must be between {MinimumIterations} and {MaximumIterations}");
        }

        if (!Enum.IsDefined(Group))
        {
            throw new ArgumentException("unknown Diffie-Hellman group");
        }

        if (Name.Length > 0 && !NameRules.TryValidate(Name, out _, out string problem))
        {
            throw new ArgumentException(problem);
        }

        if (HandshakeTimeout <= TimeSpan.Zero || MaxPendingHandshakes < 1 || MaxConcurrentDerivations < 1 || MaxPeers < 1 || SendBufferLimit < 1 || RelayBufferLimit < 1 || RekeyAfterRecords < 1 || TickInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException("limits must be positive");
        }
    }
}
