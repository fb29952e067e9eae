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

    /// <summary>True when <paramref name="name"/> is a valid display name: 1 to <see cref="MaxNameBytes"/> bytes of UTF-8.</summary>
    public static bool IsValidName(string name) => RecordPayload.IsValidName(name);

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

    /// <summary>
    /// A peer's output budget: bytes of any record type (chat, relayed chat, presence, nick, rekey, close) queued for
    /// a peer and not yet written to its socket, at which the hub drops the peer as too slow rather than queue more
    /// (one record may pass it). Default 8 MiB.
    /// </summary>
    public int RelayBufferLimit { get; init; } = 8 << 20;

    /// <summary>
    /// Server: the server-wide output budget, unsent bytes over all peers together. While it is spent, a peer holding
    /// <see cref="ServerOutputFairShare"/> or more unsent is dropped as too slow on its next record. Default 64 MiB.
    /// </summary>
    public long ServerOutputLimit { get; init; } = 64L << 20;

    /// <summary>Server: the backlog at or past which a peer is dropped while the server-wide budget is spent. Default 64 KiB.</summary>
    public int ServerOutputFairShare { get; init; } = 64 << 10;

    /// <summary>
    /// A write to the socket that makes no progress for this long ends the link (the peer is failed as too slow and
    /// its socket aborted), so a stalled peer's socket and buffers are released even under its budget. Checked on
    /// each tick, so the release comes within this plus <see cref="TickInterval"/>. Default 30 s.
    /// </summary>
    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Server: name changes a peer may make at once (its first name included) before the rate applies. Default 5.</summary>
    public int NickChangeBurst { get; init; } = 5;

    /// <summary>
    /// Server: after the burst, one more name change per this interval; a peer that changes names faster is dropped
    /// (protocol violation; the wire has no way to refuse a name). Default 5 s.
    /// </summary>
    public TimeSpan NickChangeInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>For benchmarks only: lets <see cref="Iterations"/> go below <see cref="MinimumIterations"/> (never for real use).</summary>
    internal bool AllowWeakIterationsForBenchmark { get; init; }

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
        if ((Iterations < MinimumIterations && !(AllowWeakIterationsForBenchmark && Iterations >= 1)) || Iterations > MaximumIterations)
        {
            throw new ArgumentException($"iterations must be between {MinimumIterations} and {MaximumIterations}");
        }

        if (!Enum.IsDefined(Group))
        {
            throw new ArgumentException("unknown Diffie-Hellman group");
        }

        if (Name.Length > 0 && !RecordPayload.IsValidName(Name))
        {
            throw new ArgumentException($"a name is at most {MaxNameBytes} bytes of UTF-8");
        }

        if (HandshakeTimeout <= TimeSpan.Zero || MaxPendingHandshakes < 1 || MaxConcurrentDerivations < 1 || MaxPeers < 1 || SendBufferLimit < 1 || RelayBufferLimit < 1 || RekeyAfterRecords < 1 || TickInterval <= TimeSpan.Zero ||
            ServerOutputLimit < 1 || ServerOutputFairShare < 1 || WriteTimeout <= TimeSpan.Zero || NickChangeBurst < 1 || NickChangeInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException("limits must be positive");
        }
    }
}
