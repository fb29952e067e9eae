namespace SecureChat.Bench;

/// <summary>How much work each measurement does: full mode, or --quick (under 60 s on 2 cores). Immutable.</summary>
internal sealed record BenchSettings
{
    public required bool Quick { get; init; }

    /// <summary>
    /// The whole run's time limit: the watchdog ends the process past it (170 s with --quick, 15 min in full mode;
    /// SECURECHAT_BENCH_WATCHDOG_MINUTES sets the full mode's, for a long one-off hub run). The hub's own limits are
    /// fractions of it.
    /// </summary>
    public required TimeSpan Watchdog { get; init; }

    public required int HandshakeWarmup { get; init; }

    public required int HandshakeIterations { get; init; }

    public required int CryptoWarmup { get; init; }

    public required int CryptoIterations { get; init; }

    /// <summary>Time each one-way rate runs for after its warmup; the count is whatever fits.</summary>
    public required TimeSpan RateDuration { get; init; }

    public required TimeSpan RateWarmup { get; init; }

    public required int RttWarmup { get; init; }

    /// <summary>The round-trip warmup lasts at least this long, and on while the JIT still compiles (see <see cref="RttBench"/>).</summary>
    public required TimeSpan RttWarmupTime { get; init; }

    /// <summary>Round-trip samples of each kind, taken in <see cref="RttRounds"/> interleaved rounds (see <see cref="RttBench"/>).</summary>
    public required int RttIterations { get; init; }

    public required int RttRounds { get; init; }

    /// <summary>Handshakes in the concurrent handshake-rate run, and how many run at once.</summary>
    public required int ConcurrentHandshakes { get; init; }

    public required int HandshakeConcurrency { get; init; }

    public required int HubSessions { get; init; }

    /// <summary>Honest handshakes measured without the attack, then the same number with it.</summary>
    public required int AttackSamples { get; init; }

    public required int HubConnectParallelism { get; init; }

    /// <summary>
    /// Connecting time after which the hub's client process starts no more clients, given how long the run has taken so
    /// far: what is left of the watchdog, less the longest drain and <see cref="HubReserve"/> for the snapshots, the
    /// fan-out and closing. So the hub part ends within the watchdog however loaded the machine; the hub then measures
    /// the sessions it has (hub_sessions says how many).
    /// </summary>
    public TimeSpan HubFillBudget(TimeSpan elapsed) =>
        Quick ? TimeSpan.FromSeconds(60) : TimeSpan.FromSeconds(Math.Max(30, (Watchdog - elapsed - HubDrainMax - HubReserve).TotalSeconds));

    /// <summary>The longest the hub waits for the join announcements to drain after the last connect (4 s at 10,000 here).</summary>
    public TimeSpan HubDrainMax => Quick ? TimeSpan.FromSeconds(30) : TimeSpan.FromSeconds(45);

    /// <summary>Time kept for the hub's memory snapshots, timed joins, fan-out runs with their floor, closing 10,000 sessions and printing.</summary>
    public static readonly TimeSpan HubReserve = TimeSpan.FromSeconds(110);

    /// <summary>
    /// PBKDF2 iterations in the hub measurement only (both ends). The hub measures memory per session and fan-out,
    /// not the handshake (measured on its own above); at 100,000 iterations filling a large hub on 2 cores takes
    /// minutes of PBKDF2 alone. SECURECHAT_BENCH_HUB_SESSIONS overrides <see cref="HubSessions"/>.
    /// </summary>
    public required int HubIterations { get; init; }

    /// <summary>
    /// The MLS group everything is measured on, the larger group only joined (0: not measured), and the runs of each
    /// operation (medians). SECURECHAT_BENCH_MLS_MEMBERS and SECURECHAT_BENCH_MLS_LARGE_MEMBERS override the sizes.
    /// </summary>
    public int MlsMembers { get; init; } = EnvironmentInt("SECURECHAT_BENCH_MLS_MEMBERS", 1_000, minimum: 2);

    public int MlsLargeMembers { get; init; } = EnvironmentInt("SECURECHAT_BENCH_MLS_LARGE_MEMBERS", 5_000, minimum: 0);

    public required int MlsRuns { get; init; }

    public static BenchSettings Full { get; } = new()
    {
        Quick = false,
        Watchdog = TimeSpan.FromMinutes(double.TryParse(Environment.GetEnvironmentVariable("SECURECHAT_BENCH_WATCHDOG_MINUTES"), System.Globalization.CultureInfo.InvariantCulture, out double minutes) && minutes > 0 ? minutes : 15),
        HandshakeWarmup = 5,
        HandshakeIterations = 50,
        CryptoWarmup = 3,
        CryptoIterations = 30,
        RateDuration = TimeSpan.FromSeconds(3),
        RateWarmup = TimeSpan.FromSeconds(2),
        RttWarmup = 500,
        RttWarmupTime = TimeSpan.FromSeconds(3),
        RttIterations = 5000,
        RttRounds = 20,
        ConcurrentHandshakes = 100,
        HandshakeConcurrency = 8,
        AttackSamples = 20,
        HubSessions = HubSessionsOr(10_000),
        HubConnectParallelism = 16,
        HubIterations = 1_000,
        MlsRuns = 11,
    };

    public static BenchSettings QuickMode { get; } = new()
    {
        Quick = true,
        Watchdog = TimeSpan.FromSeconds(170),
        HandshakeWarmup = 2,
        HandshakeIterations = 15,
        CryptoWarmup = 2,
        CryptoIterations = 10,
        RateDuration = TimeSpan.FromSeconds(1),
        RateWarmup = TimeSpan.FromSeconds(0.6),
        RttWarmup = 200,
        RttWarmupTime = TimeSpan.FromSeconds(2),
        RttIterations = 2000,
        RttRounds = 10,
        ConcurrentHandshakes = 24,
        HandshakeConcurrency = 8,
        AttackSamples = 6,
        HubSessions = HubSessionsOr(100),
        HubConnectParallelism = 16,
        HubIterations = 100_000,
        MlsRuns = 5,
    };

    private static int EnvironmentInt(string name, int fallback, int minimum) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out int n) && n >= minimum ? n : fallback;

    private static int HubSessionsOr(int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable("SECURECHAT_BENCH_HUB_SESSIONS"), out int n) && n > 0 ? n : fallback;
}
