using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Bench;

/// <summary>
/// A SecureChat server in a process of its own, as in real use, with a real Ed25519 identity and trust files in a
/// temporary configuration directory (<see cref="BenchIdentity"/>). It prints its port on the first line of standard
/// output, answers <c>stats</c> on standard input with one line (<c>stats established=N cpu_ms=X failures=...</c>),
/// and ends when standard input closes.
/// <list type="bullet">
/// <item><c>--handshake-server</c>: for each link that becomes secure, one line <c>secure</c> followed by the
/// <see cref="Stopwatch"/> timestamps of its stages Connected, ExchangingKeys, DerivingKey, Confirming and Secure.
/// On Linux these are CLOCK_MONOTONIC nanoseconds, one clock for every process of the machine, so the parent can put
/// them on one timeline with its own. Its per-source limits are raised (one client measures its handshakes back to
/// back from one address, faster than the default 10 a second).</item>
/// <item><c>--attack-server</c>: default <see cref="ChatOptions"/> in every limit and in the puzzle policy.</item>
/// </list>
/// </summary>
internal static class BenchServerProcess
{
    public const string HandshakeFlag = "--handshake-server";
    public const string AttackFlag = "--attack-server";

    private static readonly SessionStage[] s_timeline = [SessionStage.Connected, SessionStage.ExchangingKeys, SessionStage.DerivingKey, SessionStage.Confirming, SessionStage.Secure];

    public static async Task<int> RunAsync(string flag)
    {
        bool timeline = flag == HandshakeFlag;

        // Ends on its own even if the parent is gone without closing our standard input.
        using var watchdog = new Timer(_ => Environment.Exit(3), null, TimeSpan.FromMinutes(15), Timeout.InfiniteTimeSpan);
        using BenchIdentity identity = BenchIdentity.Create();
        var options = new ChatOptions { Name = "bench-server" };
        if (timeline)
        {
            options = options.FromOneSource();
        }

        await using var server = new ChatServer(identity.ForServer(options));
        var stamps = new ConcurrentDictionary<int, long[]>();
        var failures = new ConcurrentDictionary<string, int>();
        int established = 0;
        if (timeline)
        {
            server.StageChanged += peer =>
            {
                long now = Stopwatch.GetTimestamp();
                int index = Array.IndexOf(s_timeline, peer.Stage);
                if (index >= 0)
                {
                    long[] times = stamps.GetOrAdd(peer.Id, _ => new long[s_timeline.Length]);
                    Interlocked.CompareExchange(ref times[index], now, 0);
                }
            };
        }

        server.Established += peer =>
        {
            long now = Stopwatch.GetTimestamp();
            Interlocked.Increment(ref established);
            if (timeline && stamps.TryRemove(peer.Id, out long[]? times))
            {
                Interlocked.CompareExchange(ref times[^1], now, 0);
                Console.Out.WriteLine("secure " + string.Join(' ', times.Select(t => t.ToString(CultureInfo.InvariantCulture))));
            }
        };
        server.Failed += (peer, failure) =>
        {
            failures.AddOrUpdate(failure.Reason.ToString(), 1, (_, n) => n + 1);
            stamps.TryRemove(peer.Id, out long[]? _);
        };
        server.Closed += (peer, _) => stamps.TryRemove(peer.Id, out long[]? _);

        int port = server.Start("127.0.0.1", 0).Port;
        Console.Out.WriteLine(port.ToString(CultureInfo.InvariantCulture));
        while (await Console.In.ReadLineAsync().ConfigureAwait(false) is { } command)
        {
            if (command == "stats")
            {
                using Process self = Process.GetCurrentProcess();
                string failed = failures.IsEmpty ? "none" : string.Join(',', failures.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}:{f.Value}"));
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"stats established={Volatile.Read(ref established)} cpu_ms={self.TotalProcessorTime.TotalMilliseconds:F0} failures={failed}"));
            }
        }

        await server.StopAsync().WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        return 0;
    }
}
