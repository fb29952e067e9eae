using System.Diagnostics;
using System.Globalization;
using System.Text;
using SecureChat.Engine.Transport;

namespace SecureChat.Bench;

/// <summary>
/// The hub's cost per delivered message of an MLS room (PROTOCOL.md 4.8: one GroupMessage in, a GroupRelay out to every
/// other member of the hub's roster of the group), against a relay of the same GroupRelay with no hub at all, measured
/// run after run in the same moment: the hub is this process, the members (<see cref="GroupClientProcess"/>) another,
/// and the relay floor (<see cref="SealSendProcess"/>) two more, which seal the same-size record with the engine's
/// record protector and send it over as many loopback sockets. The group is formed first, outside the measured
/// windows, by the members' own group books: key packages, the hub's GroupTasks, real commits and Welcomes. Per run:
/// the hub process's CPU time from the command to the last member's receipt, over the recipients. Not thread-safe.
/// </summary>
internal sealed class GroupFanout
{
    /// <summary>
    /// Recipients served in runs not measured, beside the caller's warmup runs: the hub's code is compiled again,
    /// optimized, after its first calls (tiered compilation), and that compiling would count in a small room's CPU per
    /// recipient (as in <see cref="HubFanout"/>).
    /// </summary>
    private const int WarmupRecipients = 10000;

    /// <summary>The name (as /proc shows it, cut at 15 characters) of the runtime's tiered-compilation thread.</summary>
    private const string JitThread = ".NET Tiered Com";

    /// <summary>The hub process's CPU per recipient of one member's text (us), run by run.</summary>
    public Samples Hub { get; } = new();

    /// <summary>The floor: one seal and one send of the same GroupRelay per recipient, CPU of the sending process (us).</summary>
    public Samples Floor { get; } = new();

    /// <summary>Each run's hub CPU per recipient over its own floor's.</summary>
    public Samples Ratio { get; } = new();

    /// <summary>
    /// The same, less the CPU of the runtime's tiered-compilation thread over the run: the JIT optimizing the hub's code
    /// in the background, which in a run of minutes is still at work (steady state is what a hub lives in).
    /// </summary>
    public Samples HubNoJit { get; } = new();

    /// <summary>Each run's <see cref="HubNoJit"/> over its own floor's.</summary>
    public Samples RatioNoJit { get; } = new();

    /// <summary>From the command to the last member's decrypted text (ms; two pipe hops and every member's open included).</summary>
    public Samples Wall { get; } = new();

    /// <summary>The hub's threads' CPU per message (mean over the runs), largest first.</summary>
    public string Threads { get; private set; } = "n/a";

    public double FormMs { get; private set; }

    public int Members { get; private set; }

    /// <summary>The GroupRelay record's plaintext each member gets (bytes).</summary>
    public int RelayBytes { get; private set; }

    public static async Task<GroupFanout> MeasureAsync(int members, int iterations, int warmup, int runs)
    {
        var result = new GroupFanout();
        FileLimit.Require(2 * members + 256);
        var options = new ChatOptions
        {
            Name = "hub",
            MaxHandshakes = members + 64,
            EarlyDropStart = members + 64,
            MaxPeers = members + 64,
            HandshakeTimeout = HubBench.HandshakeTimeout,
            HandshakeStepTimeout = HubBench.HandshakeTimeout,
            Iterations = iterations,
            AllowWeakIterationsForBenchmark = true,
        }.FromOneSource();
        await using var server = new ChatServer(options);
        int shown = 0;
        server.Failed += (peer, failure) =>
        {
            if (Interlocked.Increment(ref shown) <= 3)
            {
                Console.Error.WriteLine($"  hub: {peer.Name} failed: {failure}");
            }
        };
        server.HandlerFaulted += (name, e) => Console.Error.WriteLine($"  hub: {name} handler: {e.Message}");
        var endPoint = server.Start("127.0.0.1", 0);
        result.RelayBytes = new BenchGroupText().GroupRelaySize(GroupClientProcess.Room, GroupClientProcess.SenderName, Encoding.UTF8.GetByteCount(GroupClientProcess.Text));
        using Process clients = BenchChild.Start(GroupClientProcess.Flag, endPoint.Port.ToString(CultureInfo.InvariantCulture),
            members.ToString(CultureInfo.InvariantCulture), iterations.ToString(CultureInfo.InvariantCulture));
        using Process sink = BenchChild.Start(SealSendProcess.SinkFlag);
        using Process sender = BenchChild.Start(SealSendProcess.SenderFlag, await BenchChild.ReadLineAsync(sink, TimeSpan.FromSeconds(30)).ConfigureAwait(false),
            (members - 1).ToString(CultureInfo.InvariantCulture), result.RelayBytes.ToString(CultureInfo.InvariantCulture));
        var spent = new Dictionary<string, (int Threads, double Ms)>(StringComparer.Ordinal);
        try
        {
            string floorReady = await BenchChild.ReadLineAsync(sender, TimeSpan.FromSeconds(120)).ConfigureAwait(false);
            if (floorReady != "ready")
            {
                throw new InvalidOperationException($"the seal-and-send process said '{floorReady}'");
            }

            string[] ready = (await BenchChild.ReadLineAsync(clients, TimeSpan.FromSeconds(900)).ConfigureAwait(false)).Split(' ');
            if (ready[0] != "ready")
            {
                throw new InvalidOperationException($"the group client process said '{string.Join(' ', ready)}'");
            }

            result.FormMs = double.Parse(ready[1], CultureInfo.InvariantCulture);
            result.Members = int.Parse(ready[2], CultureInfo.InvariantCulture);
            warmup = Math.Max(warmup, WarmupRecipients / (members - 1));
            for (int i = 0; i < warmup + runs; i++)
            {
                await Task.Delay(100).ConfigureAwait(false);
                var threads = CpuTime.Threads();
                (double hub, double wall) = await OnceAsync(clients, members).ConfigureAwait(false);
                var threadsAfter = CpuTime.Threads();
                double jitUs = CpuTime.Spent(threads, threadsAfter).Where(t => t.Name.StartsWith(JitThread, StringComparison.Ordinal)).Sum(t => t.Milliseconds) * 1000;
                await sender.StandardInput.WriteLineAsync("run").ConfigureAwait(false);
                await sender.StandardInput.FlushAsync().ConfigureAwait(false);
                string[] floor = (await BenchChild.ReadLineAsync(sender, TimeSpan.FromSeconds(60)).ConfigureAwait(false)).Split(' ');
                if (i < warmup)
                {
                    continue;
                }

                double floorUs = double.Parse(floor[0], CultureInfo.InvariantCulture);
                result.Hub.Add(hub);
                result.Floor.Add(floorUs);
                result.Ratio.Add(hub / floorUs);
                double hubNoJit = hub - (jitUs / (members - 1));
                result.HubNoJit.Add(hubNoJit);
                result.RatioNoJit.Add(hubNoJit / floorUs);
                result.Wall.Add(wall);
                foreach ((string name, int count, double threadMs) in CpuTime.Spent(threads, threadsAfter))
                {
                    (int Threads, double Ms) sum = spent.GetValueOrDefault(name);
                    spent[name] = (Math.Max(sum.Threads, count), sum.Ms + threadMs);
                }
            }
        }
        finally
        {
            await BenchChild.StopAsync(sender).ConfigureAwait(false);
            await BenchChild.StopAsync(sink).ConfigureAwait(false);
            await BenchChild.StopAsync(clients).ConfigureAwait(false);
        }

        result.Threads = spent.Count == 0 ? "n/a" : string.Join(", ", spent
            .OrderByDescending(s => s.Value.Ms)
            .Take(6)
            .Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Key} x{s.Value.Threads} {s.Value.Ms / runs:F2}")));
        return result;
    }

    /// <summary>One text fanned out: the hub's CPU per recipient (us) and the wall time to the last receipt (ms).</summary>
    private static async Task<(double CpuUs, double WallMs)> OnceAsync(Process clients, int members)
    {
        double cpu = CpuTime.ProcessMicros();
        long start = Stopwatch.GetTimestamp();
        await clients.StandardInput.WriteLineAsync("send").ConfigureAwait(false);
        await clients.StandardInput.FlushAsync().ConfigureAwait(false);
        string line = await BenchChild.ReadLineAsync(clients, TimeSpan.FromSeconds(90)).ConfigureAwait(false);
        double wall = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        double spent = CpuTime.ProcessMicros() - cpu;
        if (line != "received")
        {
            throw new InvalidOperationException($"the group client process said '{line}'");
        }

        return (spent / (members - 1), wall);
    }
}
