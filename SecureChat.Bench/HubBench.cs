using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Transport;

namespace SecureChat.Bench;

/// <summary>
/// A hub with N secure, joined sessions: the server runs in this process, the N clients in a child process
/// (<see cref="HubClientProcess"/>), so the memory deltas measured here are the server's own. Then the time
/// for one server message to reach every client, timed from the server's SendAsync until the child reports
/// the last arrival (one pipe hop, well under a millisecond).
/// </summary>
internal static class HubBench
{
    private const int FanoutWarmup = 1;
    private const int FanoutRuns = 5;

    /// <summary>
    /// Both ends' handshake deadline while the hub fills: a thousand handshakes queue for two cores, and this
    /// measures capacity, not the deadline (the default 10 s is a defence against idle connections).
    /// </summary>
    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(120);

    internal sealed record HubResult(
        int Sessions,
        int Failed,
        int SecondStageSessions,
        double ConnectMs,
        string ServerFailures,
        long ManagedBytes,
        long WorkingSetBytes,
        long PrivateBytes,
        double WorkingSetSlope,
        double PrivateSlope,
        Samples Fanout);

    private sealed record HubWire(
        int Sessions,
        int Failed,
        int SecondStageSessions,
        double ConnectMs,
        string ServerFailures,
        long ManagedBytes,
        long WorkingSetBytes,
        long PrivateBytes,
        double WorkingSetSlope,
        double PrivateSlope,
        List<double> FanoutMs);

    public const string ServerFlag = "--hub-server";

    /// <summary>
    /// Runs the hub's server side in a fresh process (<c>--hub-server</c>), so its memory deltas are not blurred
    /// by heap the other benchmarks left resident, and reads back its one result line.
    /// </summary>
    public static async Task<HubResult> RunInFreshProcessAsync(BenchSettings settings)
    {
        using Process server = StartSelf(ServerFlag, settings.Quick ? "quick" : "full");
        try
        {
            string line = await ReadLineAsync(server, TimeSpan.FromMinutes(12)).ConfigureAwait(false);
            HubResult? result = JsonSerializer.Deserialize<HubWire>(line) is { } wire
                ? new HubResult(wire.Sessions, wire.Failed, wire.SecondStageSessions, wire.ConnectMs, wire.ServerFailures, wire.ManagedBytes, wire.WorkingSetBytes, wire.PrivateBytes, wire.WorkingSetSlope, wire.PrivateSlope, ToSamples(wire.FanoutMs))
                : null;
            return result ?? throw new InvalidOperationException($"the hub server process said '{line}'");
        }
        finally
        {
            await StopChildAsync(server).ConfigureAwait(false);
        }
    }

    /// <summary>The <c>--hub-server</c> process: runs the hub and prints one JSON line with the result.</summary>
    public static async Task<int> RunServerProcessAsync(string[] args)
    {
        BenchSettings settings = args.Length > 1 && args[1] == "quick" ? BenchSettings.QuickMode : BenchSettings.Full;

        // Ends on its own even if the parent is gone (its client process ends when our pipe closes).
        using var watchdog = new Timer(_ => Environment.Exit(3), null, TimeSpan.FromMinutes(12), Timeout.InfiniteTimeSpan);
        HubResult hub = await RunAsync(settings).ConfigureAwait(false);
        var fanout = new List<double>();
        for (int i = 0; i < hub.Fanout.Count; i++)
        {
            fanout.Add(hub.Fanout.Percentile(100.0 * (i + 1) / hub.Fanout.Count));
        }

        Console.Out.WriteLine(JsonSerializer.Serialize(new HubWire(hub.Sessions, hub.Failed, hub.SecondStageSessions, hub.ConnectMs, hub.ServerFailures, hub.ManagedBytes, hub.WorkingSetBytes, hub.PrivateBytes, hub.WorkingSetSlope, hub.PrivateSlope, fanout)));
        return 0;
    }

    private static Samples ToSamples(List<double> values)
    {
        var samples = new Samples(values.Count);
        foreach (double value in values)
        {
            samples.Add(value);
        }

        return samples;
    }

    public static async Task<HubResult> RunAsync(BenchSettings settings)
    {
        int count = settings.HubSessions;
        var options = new ChatOptions { Name = "hub", MaxPendingHandshakes = count + 64, MaxPeers = count + 64, HandshakeTimeout = HandshakeTimeout, Iterations = settings.HubIterations, AllowWeakIterationsForBenchmark = true };
        if (Environment.GetEnvironmentVariable("EXP_RAISE") == "1")
        {
            options = options with { HandshakesPerSourcePerSecond = 1_000_000, MaxPendingHandshakesPerSource = 1_000_000 };
        }

        var fill = Stopwatch.StartNew();
        await using var server = new ChatServer(options);
        int joined = 0;
        server.PresenceChanged += notice =>
        {
            if (notice.Kind == PresenceKind.Joined)
            {
                if (Interlocked.Increment(ref joined) % 250 == 0)
                {
                    Console.Error.WriteLine($"EXPERIMENT {joined} joined at {fill.Elapsed.TotalSeconds:F1} s");
                }
            }
        };
        var failures = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        server.Failed += (_, failure) => failures.AddOrUpdate(failure.Reason.ToString(), 1, (_, n) => n + 1);
        var endPoint = server.Start("127.0.0.1", 0);

        // Warm both ends' code paths (JIT) in this process first, so compiled code is not counted per session.
        for (int i = 0; i < 4; i++)
        {
            await using var warm = new ChatClient(new ChatOptions { Name = $"warm{i}", Iterations = settings.HubIterations, AllowWeakIterationsForBenchmark = true });
            await warm.ConnectAsync("127.0.0.1", endPoint.Port).WaitAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            await warm.SendAsync("warm").ConfigureAwait(false);
            await server.SendAsync("warm").ConfigureAwait(false);
        }

        await WaitUntilAsync(() => server.Peers.Count == 0, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        joined = 0;
        (long managed0, long workingSet0, long private0) = MeasureMemory();

        using Process child = StartChild(endPoint.Port, count, settings.HubConnectParallelism, settings.HubIterations);
        try
        {
            string ready1 = await ReadLineAsync(child, TimeSpan.FromMinutes(5)).ConfigureAwait(false);
            string[] parts1 = ready1.Split(' ');
            if (parts1.Length != 3 || parts1[0] != "ready1")
            {
                throw new InvalidOperationException($"the hub client process said '{ready1}'");
            }

            int firstJoined = Math.Max(1, count / 10) - int.Parse(parts1[2], CultureInfo.InvariantCulture);
            await WaitUntilAsync(() => Volatile.Read(ref joined) >= firstJoined, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            await Task.Delay(TimeSpan.FromSeconds(settings.Quick ? 0.5 : 2)).ConfigureAwait(false);
            int sessionsMid = Volatile.Read(ref joined);
            (_, long workingSetMid, long privateMid) = MeasureMemory();
            await child.StandardInput.WriteLineAsync("more").ConfigureAwait(false);
            await child.StandardInput.FlushAsync().ConfigureAwait(false);

            string ready = await ReadLineAsync(child, TimeSpan.FromMinutes(10)).ConfigureAwait(false);
            string[] parts = ready.Split(' ');
            if (parts.Length != 3 || parts[0] != "ready")
            {
                throw new InvalidOperationException($"the hub client process said '{ready}'");
            }

            double connectMs = double.Parse(parts[1], CultureInfo.InvariantCulture);
            int failed = int.Parse(parts[2], CultureInfo.InvariantCulture);
            await WaitUntilAsync(() => Volatile.Read(ref joined) >= count - failed, TimeSpan.FromSeconds(30)).ConfigureAwait(false);

            // Whoever the server counts as joined is who a fan-out reaches (and what the child waits for).
            int sessions = Volatile.Read(ref joined);
            if (sessions != count - failed)
            {
                throw new InvalidOperationException($"{count - failed} clients connected but the server has {sessions} joined; server failures: {Describe(failures)}");
            }

            // Let the join announcements (each join is announced to every joined peer) drain before measuring.
            await Task.Delay(TimeSpan.FromSeconds(settings.Quick ? 0.5 : 2)).ConfigureAwait(false);
            (long managed1, long workingSet1, long private1) = MeasureMemory();

            var fanout = new Samples(FanoutRuns);
            for (int i = 0; i < FanoutWarmup + FanoutRuns; i++)
            {
                long start = Stopwatch.GetTimestamp();
                await server.SendAsync($"fan-out {i}").ConfigureAwait(false);
                string line = await ReadLineAsync(child, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
                double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (line != "received")
                {
                    throw new InvalidOperationException($"the hub client process said '{line}'");
                }

                if (i >= FanoutWarmup)
                {
                    fanout.Add(ms);
                }
            }

            double slope = sessions > sessionsMid ? (double)(workingSet1 - workingSetMid) / (sessions - sessionsMid) : double.NaN;
            double privateSlope = sessions > sessionsMid ? (double)(private1 - privateMid) / (sessions - sessionsMid) : double.NaN;
            return new HubResult(sessions, failed, sessions - sessionsMid, connectMs, Describe(failures), managed1 - managed0, workingSet1 - workingSet0, private1 - private0, slope, privateSlope, fanout);
        }
        finally
        {
            await StopChildAsync(child).ConfigureAwait(false);
        }
    }

    private static (long Managed, long WorkingSet, long Private) MeasureMemory()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        long managed = GC.GetTotalMemory(forceFullCollection: true);
        using Process self = Process.GetCurrentProcess();
        self.Refresh();
        if (Environment.GetEnvironmentVariable("SECURECHAT_BENCH_VERBOSE") == "1")
        {
            Console.Error.WriteLine($"  memory: managed {managed:N0}, GC committed {GC.GetGCMemoryInfo().TotalCommittedBytes:N0}, RSS {self.WorkingSet64:N0}, private {self.PrivateMemorySize64:N0}, threads {self.Threads.Count}");
        }

        return (managed, self.WorkingSet64, self.PrivateMemorySize64);
    }

    private static Process StartChild(int port, int count, int parallelism, int iterations) =>
        StartSelf(HubClientProcess.Flag, port.ToString(CultureInfo.InvariantCulture), count.ToString(CultureInfo.InvariantCulture), parallelism.ToString(CultureInfo.InvariantCulture), iterations.ToString(CultureInfo.InvariantCulture));

    internal static Process StartSelf(params string[] arguments)
    {
        string path = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };

        // Under "dotnet SecureChat.Bench.dll" the process is the host; pass the assembly first.
        if (Path.GetFileNameWithoutExtension(path) == "dotnet")
        {
            start.ArgumentList.Add(typeof(HubBench).Assembly.Location);
        }

        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("could not start a benchmark process");
    }

    private static async Task<string> ReadLineAsync(Process child, TimeSpan timeout)
    {
        string? line = await child.StandardOutput.ReadLineAsync().WaitAsync(timeout).ConfigureAwait(false);
        return line ?? throw new InvalidOperationException("the hub client process ended early");
    }

    private static async Task StopChildAsync(Process child)
    {
        try
        {
            await child.StandardInput.WriteLineAsync("quit").ConfigureAwait(false);
            await child.StandardInput.FlushAsync().ConfigureAwait(false);
            child.StandardInput.Close();
        }
        catch (IOException)
        {
        }

        try
        {
            await child.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            child.Kill(entireProcessTree: true);
        }
    }

    private static string Describe(System.Collections.Concurrent.ConcurrentDictionary<string, int> failures) =>
        failures.IsEmpty ? "none" : string.Join(", ", failures.Select(f => $"{f.Key} x{f.Value}"));

    /// <summary>Polls until the condition holds or the time is up (the caller checks which).</summary>
    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (!condition())
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                return;
            }

            await Task.Delay(20).ConfigureAwait(false);
        }
    }
}
