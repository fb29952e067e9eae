using System.Globalization;
using SecureChat.Engine.Transport;

namespace SecureChat.Tui.CommandLine;

/// <summary>
/// The limits table: every server limit once, in the order the help lists them. The command-line options
/// (<see cref="ServerLimitOptions"/>), the config file's keys (<see cref="ConfigFile"/>), <c>--help</c> and
/// README's option block all come from these rows. Thread-safe (immutable).
/// </summary>
internal static class ServerLimits
{
    private const int Million = 1_000_000;
    private static readonly ChatOptions s_engine = new();

    public static IReadOnlyList<ServerLimit> All { get; } =
    [
        new("puzzle", LimitUnit.Choice, 0, 2, "when clients must solve a proof of work first: auto (under load), always or never", o => (int)o.Puzzle, (o, n) => o with { Puzzle = (PuzzleMode)n })
        {
            Choices = ["auto", "always", "never"],
        },
        new("puzzle-bits", LimitUnit.Bits, 1, ChatOptions.MaxPuzzleDifficulty, "puzzle difficulty in bits (18 is about one PBKDF2)", o => o.PuzzleBits, (o, n) => o with { PuzzleBits = n }),
        new("handshake-rate", LimitUnit.Count, 1, Million, "handshakes per second one source, an address's /24 (/64 for IPv6), may start before it must solve puzzles", o => (int)o.HandshakeRate, (o, n) => o with { HandshakeRate = n }),
        new("handshakes-per-source", LimitUnit.Count, 1, Million, "handshakes in progress from one source, an address's /24 (/64 for IPv6); more are refused as rate limited", o => o.HandshakesPerSource, (o, n) => o with { HandshakesPerSource = n }),
        new("presence-delay", LimitUnit.Milliseconds, 0, 5000, "milliseconds a join, rename or leave may wait to go out together with others (0: each at once)", o => (int)o.PresenceDelay.TotalMilliseconds, (o, n) => o with { PresenceDelay = TimeSpan.FromMilliseconds(n) }),
        new("max-handshakes", LimitUnit.Count, 1, Million, "handshakes in progress at once; at the bound the one that kept the server waiting longest is dropped, else the newcomer is refused as busy", o => o.MaxHandshakes, (o, n) => o with { MaxHandshakes = n }),
        new("early-drop-start", LimitUnit.Count, 1, Million, "from this many handshakes in progress, refuse a new one at random (OpenSSH's MaxStartups start); at most --max-handshakes, equal to it for no early drop", o => o.EarlyDropStart, (o, n) => o with { EarlyDropStart = n }),
        new("early-drop-percent", LimitUnit.Percent, 0, 100, "the chance in percent of that refusal at --early-drop-start, rising linearly to 100 at --max-handshakes", o => o.EarlyDropPercent, (o, n) => o with { EarlyDropPercent = n }),
        new("handshake-timeout", LimitUnit.Seconds, 1, 3600, "seconds from the TCP connection to a secure link before either side gives up on the handshake", o => Seconds(o.HandshakeTimeout), (o, n) => o with { HandshakeTimeout = TimeSpan.FromSeconds(n) })
        {
            Scope = OptionScope.Any,
        },
        new("handshake-step-timeout", LimitUnit.Seconds, 1, 3600, "seconds a client in the handshake may take to send the next message whole, from when the server began waiting for it", o => Seconds(o.HandshakeStepTimeout), (o, n) => o with { HandshakeStepTimeout = TimeSpan.FromSeconds(n) }),
        new("max-derivations", LimitUnit.Count, 1, 1024, "PBKDF2 derivations running at once (more wait, and meanwhile new clients get puzzles)", o => o.MaxDerivations, (o, n) => o with { MaxDerivations = n })
        {
            Note = "one per core",
        },
        new("confirmation-penalty", LimitUnit.Seconds, 0, 86_400, "seconds a source (an address's /24, /64 for IPv6) that failed key confirmation (a wrong passphrase) must solve puzzles, one bit harder per further failure (0: never)", o => Seconds(o.ConfirmationPenalty), (o, n) => o with { ConfirmationPenalty = TimeSpan.FromSeconds(n) }),
        new("failed-confirmations", LimitUnit.Count, 0, Million, "with a passphrase: failed key confirmations a minute over all addresses before new clients are refused as busy, except from networks where a client proved the passphrase within --confirmation-penalty (0: no such budget)", o => o.FailedConfirmations, (o, n) => o with { FailedConfirmations = n }),
        new("max-peers", LimitUnit.Count, 1, Million, "peers connected at once, in the handshake or secure; more are refused as busy", o => o.MaxPeers, (o, n) => o with { MaxPeers = n }),
        new("peers-per-source", LimitUnit.Count, 1, Million, "peers connected at once from one source, an address's /24 (/64 for IPv6); more are refused as rate limited", o => o.PeersPerSource, (o, n) => o with { PeersPerSource = n }),
        new("peer-output", LimitUnit.Kib, 64, 1 << 20, "one peer's output budget, KiB queued for it and not yet written; past it the peer is dropped as too slow", o => o.PeerOutput / 1024, (o, n) => o with { PeerOutput = n * 1024 })
        {
            Note = string.Create(CultureInfo.InvariantCulture, $"{s_engine.PeerOutput >> 20} MiB"),
        },
        new("server-output", LimitUnit.Kib, 1024, 1 << 24, "the output budget over all peers, in KiB; while it is spent, peers holding --fair-share or more are dropped as too slow, stalled and largest holders first", o => (int)(o.ServerOutput / 1024), (o, n) => o with { ServerOutput = n * 1024L })
        {
            Note = string.Create(CultureInfo.InvariantCulture, $"{s_engine.ServerOutput >> 20} MiB"),
        },
        new("fair-share", LimitUnit.Kib, 17, 1 << 20, "the backlog in KiB at which a peer may be dropped while --server-output is spent, at least one full record", o => o.FairShare / 1024, (o, n) => o with { FairShare = n * 1024 }),
        new("pending-parts", LimitUnit.Kib, 2048, 1 << 24, "what all peers' pending Parts (the start of an MLS payload longer than a record) may hold, in KiB; while over it, the peers holding Parts are not read from", o => (int)(o.PendingParts / 1024), (o, n) => o with { PendingParts = n * 1024L })
        {
            Note = string.Create(CultureInfo.InvariantCulture, $"{s_engine.PendingParts >> 20} MiB"),
        },
        new("pending-parts-timeout", LimitUnit.Seconds, 1, 3600, "seconds all peers' pending Parts may stay over --pending-parts before the peers holding the most are closed, largest first, until the others' fit", o => Seconds(o.PendingPartsTimeout), (o, n) => o with { PendingPartsTimeout = TimeSpan.FromSeconds(n) }),
        new("away-max", LimitUnit.Seconds, 60, 90 * 86_400, "seconds an identity whose last link dropped stays in its rooms as away; past it, it is removed from every room", o => Seconds(o.AwayMax), (o, n) => o with { AwayMax = TimeSpan.FromSeconds(n) })
        {
            Note = string.Create(CultureInfo.InvariantCulture, $"{s_engine.AwayMax.TotalDays} days"),
        },
        new("away-queue-bytes", LimitUnit.Kib, 64, 1 << 20, "what the hub keeps for an away member per room, in KiB of MLS payload; past it, the member is removed from the room", o => (int)(o.AwayQueueBytes / 1024), (o, n) => o with { AwayQueueBytes = n * 1024L })
        {
            Note = string.Create(CultureInfo.InvariantCulture, $"{s_engine.AwayQueueBytes >> 20} MiB"),
        },
        new("write-timeout", LimitUnit.Seconds, 1, 3600, "seconds a write to a peer's socket may make no progress before the peer is dropped as too slow", o => Seconds(o.WriteTimeout), (o, n) => o with { WriteTimeout = TimeSpan.FromSeconds(n) })
        {
            Scope = OptionScope.Any,
        },
        new("nick-burst", LimitUnit.Count, 1, 1000, "name changes a peer may make at once, its first name included, before --nick-interval applies", o => o.NickBurst, (o, n) => o with { NickBurst = n }),
        new("nick-interval", LimitUnit.Seconds, 1, 3600, "after the burst, one more name change per this many seconds; a faster one is refused (the peer is told and keeps its name)", o => Seconds(o.NickInterval), (o, n) => o with { NickInterval = TimeSpan.FromSeconds(n) }),
    ];

    /// <summary>Options of earlier versions that now have the name of their engine field and config key, old to new.</summary>
    public static IReadOnlyDictionary<string, string> Renamed { get; } = new Dictionary<string, string>
    {
        ["--source-rate"] = "--handshake-rate",
        ["--per-source"] = "--handshakes-per-source",
    };

    /// <summary>The row named <paramref name="key"/> ("max-peers"); null when there is none.</summary>
    public static ServerLimit? Find(string key) => All.FirstOrDefault(l => l.Key == key);

    /// <summary>
    /// The one-line refusal of limits that contradict each other (an early drop that could never start), naming
    /// <paramref name="source"/> for a value the user did not give ("the default"); null when they agree.
    /// </summary>
    public static string? Conflict(ChatOptions limits, Func<ServerLimit, string> source)
    {
        if (limits.EarlyDropStart <= limits.MaxHandshakes)
        {
            return null;
        }

        ServerLimit start = Find("early-drop-start")!;
        ServerLimit max = Find("max-handshakes")!;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{start.OptionName} {limits.EarlyDropStart}{source(start)} is above {max.OptionName} {limits.MaxHandshakes}: give {start.OptionName} {limits.MaxHandshakes} or less ({limits.MaxHandshakes}: no early drop)");
    }

    private static int Seconds(TimeSpan duration) => (int)duration.TotalSeconds;
}
