using System.CommandLine;
using System.Globalization;
using SecureChat.Engine.Transport;

namespace SecureChat.Tui.CommandLine;

/// <summary>
/// The command-line options for a server's admission and resource limits (PROTOCOL.md section 8) beyond the older
/// --puzzle, --puzzle-bits, --source-rate, --per-source and --presence-delay, which <see cref="ChatRootCommand"/>
/// keeps: whole numbers in a stated range, durations in seconds, sizes in KiB. Each default is the engine's own
/// (<see cref="ChatOptions"/>), so the help, the settings and the engine cannot disagree. Handshake and write
/// timeouts apply to a client too; the rest only to a server.
/// </summary>
internal sealed class ServerLimitOptions
{
    private static readonly ChatOptions s_engine = new();

    private readonly Limit _maxHandshakes = new(
        "--max-handshakes", "N", 1, 1_000_000, s_engine.MaxHandshakes,
        "handshakes in progress at once; at the bound the one that kept the server waiting longest is dropped, else the newcomer is refused as busy");

    private readonly Limit _earlyDropStart = new(
        "--early-drop-start", "N", 1, 1_000_000, s_engine.EarlyDropStart,
        "from this many handshakes in progress, refuse a new one at random (OpenSSH's MaxStartups start); at most --max-handshakes, equal to it for no early drop");

    private readonly Limit _earlyDropPercent = new(
        "--early-drop-percent", "P", 0, 100, s_engine.EarlyDropPercent,
        "the chance in percent of that refusal at --early-drop-start, rising linearly to 100 at --max-handshakes");

    private readonly Limit _handshakeTimeout = new(
        "--handshake-timeout", "SECONDS", 1, 3600, Seconds(s_engine.HandshakeTimeout), OptionScope.Any,
        "seconds from the TCP connection to a secure link before either side gives up on the handshake");

    private readonly Limit _handshakeStepTimeout = new(
        "--handshake-step-timeout", "SECONDS", 1, 3600, Seconds(s_engine.HandshakeStepTimeout),
        "seconds a client in the handshake may take to send the next message whole, from when the server began waiting for it");

    private readonly Limit _maxDerivations = new(
        "--max-derivations", "N", 1, 1024, s_engine.MaxDerivations,
        "PBKDF2 derivations running at once (more wait, and meanwhile new clients get puzzles)",
        note: "one per core");

    private readonly Limit _confirmationPenalty = new(
        "--confirmation-penalty", "SECONDS", 0, 86_400, Seconds(s_engine.ConfirmationPenalty),
        "seconds a source (an address's /24, /64 for IPv6) that failed key confirmation (a wrong passphrase) must solve puzzles, one bit harder per further failure (0: never)");

    private readonly Limit _failedConfirmations = new(
        "--failed-confirmations", "N", 0, 1_000_000, s_engine.FailedConfirmations,
        "with a passphrase: failed key confirmations a minute over all addresses before new clients are refused as busy, except from networks where a client proved the passphrase within --confirmation-penalty (0: no such budget)");

    private readonly Limit _maxPeers = new(
        "--max-peers", "N", 1, 1_000_000, s_engine.MaxPeers,
        "peers connected at once, in the handshake or secure; more are refused as busy");

    private readonly Limit _peersPerSource = new(
        "--peers-per-source", "N", 1, 1_000_000, s_engine.PeersPerSource,
        "peers connected at once from one source, an address's /24 (/64 for IPv6); more are refused as rate limited");

    private readonly Limit _peerOutput = new(
        "--peer-output", "KIB", 64, 1 << 20, s_engine.PeerOutput / 1024,
        "one peer's output budget, KiB queued for it and not yet written; past it the peer is dropped as too slow",
        note: string.Create(CultureInfo.InvariantCulture, $"{s_engine.PeerOutput >> 20} MiB"));

    private readonly Limit _serverOutput = new(
        "--server-output", "KIB", 1024, 1 << 24, (int)(s_engine.ServerOutput / 1024),
        "the output budget over all peers, in KiB; while it is spent, a peer holding --fair-share or more is dropped as too slow",
        note: string.Create(CultureInfo.InvariantCulture, $"{s_engine.ServerOutput >> 20} MiB"));

    private readonly Limit _fairShare = new(
        "--fair-share", "KIB", 16, 1 << 20, s_engine.FairShare / 1024,
        "the backlog in KiB at which a peer is dropped while --server-output is spent");

    private readonly Limit _writeTimeout = new(
        "--write-timeout", "SECONDS", 1, 3600, Seconds(s_engine.WriteTimeout), OptionScope.Any,
        "seconds a write to a peer's socket may make no progress before the peer is dropped as too slow");

    private readonly Limit _nickBurst = new(
        "--nick-burst", "N", 1, 1000, s_engine.NickBurst,
        "name changes a peer may make at once, its first name included, before --nick-interval applies");

    private readonly Limit _nickInterval = new(
        "--nick-interval", "SECONDS", 1, 3600, Seconds(s_engine.NickInterval),
        "after the burst, one more name change per this many seconds; a faster one is refused (the peer is told and keeps its name)");

    /// <summary>In the order the help lists them; the handshake and write timeouts, which act on a client too, among the connection options.</summary>
    public IEnumerable<OptionEntry> Entries =>
        new[]
        {
            _maxHandshakes, _earlyDropStart, _earlyDropPercent, _handshakeTimeout, _handshakeStepTimeout, _maxDerivations, _confirmationPenalty, _failedConfirmations,
            _maxPeers, _peersPerSource, _peerOutput, _serverOutput, _fairShare, _writeTimeout, _nickBurst, _nickInterval,
        }.Select(l => l.Entry);

    /// <summary><paramref name="settings"/> with these limits as given, or their defaults; a plain-words usage error for a bad one.</summary>
    public AppSettings Bind(ParseResult result, AppSettings settings)
    {
        int maxHandshakes = _maxHandshakes.Bind(result);
        int earlyDropStart = _earlyDropStart.Bind(result);
        if (earlyDropStart > maxHandshakes)
        {
            // Past the bound the early drop would never happen: say so rather than turn it off without a word.
            string given = result.GetResult(_earlyDropStart.Option) is null ? " (the default)" : string.Empty;
            throw new UsageException(string.Create(
                CultureInfo.InvariantCulture,
                $"--early-drop-start {earlyDropStart}{given} is above --max-handshakes {maxHandshakes}: give --early-drop-start {maxHandshakes} or less ({maxHandshakes}: no early drop)"));
        }

        return settings with
        {
            MaxHandshakes = maxHandshakes,
            EarlyDropStart = earlyDropStart,
            EarlyDropPercent = _earlyDropPercent.Bind(result),
            HandshakeTimeoutSeconds = _handshakeTimeout.Bind(result),
            HandshakeStepTimeoutSeconds = _handshakeStepTimeout.Bind(result),
            MaxDerivations = _maxDerivations.Bind(result),
            ConfirmationPenaltySeconds = _confirmationPenalty.Bind(result),
            FailedConfirmations = _failedConfirmations.Bind(result),
            MaxPeers = _maxPeers.Bind(result),
            PeersPerSource = _peersPerSource.Bind(result),
            PeerOutputKib = _peerOutput.Bind(result),
            ServerOutputKib = _serverOutput.Bind(result),
            FairShareKib = _fairShare.Bind(result),
            WriteTimeoutSeconds = _writeTimeout.Bind(result),
            NickBurst = _nickBurst.Bind(result),
            NickIntervalSeconds = _nickInterval.Bind(result),
        };
    }

    private static int Seconds(TimeSpan duration) => (int)duration.TotalSeconds;

    /// <summary>A whole-number option in [min, max] whose help states the range and the default; a server's alone unless <paramref name="scope"/> says otherwise.</summary>
    private sealed class Limit(string name, string helpName, int min, int max, int fallback, OptionScope scope, string description, string? note = null)
    {
        public Limit(string name, string helpName, int min, int max, int fallback, string description, string? note = null)
            : this(name, helpName, min, max, fallback, OptionScope.Server, description, note)
        {
        }

        public Option<string> Option { get; } = new(name)
        {
            Description = string.Create(CultureInfo.InvariantCulture, $"{description}; {min} to {max}"),
            HelpName = helpName,
        };

        public OptionEntry Entry => new(Option, scope == OptionScope.Server ? OptionGroup.ServerLimits : OptionGroup.Connection, scope)
        {
            Default = fallback.ToString(CultureInfo.InvariantCulture),
            DefaultNote = note,
        };

        public int Bind(ParseResult result) => ChatCommandLine.Number(result.GetValue(Option), name, min, max, fallback);
    }
}
