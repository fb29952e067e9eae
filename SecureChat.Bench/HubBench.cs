using System.Diagnostics;
using System.Globalization;
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
        double ConnectMs,
        string ServerFailures,
        long ManagedBytes,
        long WorkingSetBytes,
        long PrivateBytes,
        Samples Fanout);

    public static async Task<HubResult> RunAsync(BenchSettings settings)
    {
        int count = settings.HubSessions;
        var options = new ChatOptions { Name = "hub", MaxPendingHandshakes = count + 64, MaxPeers = count + 64, HandshakeTimeout = HandshakeTimeout };
        await using var server = new ChatServer(options);
        int joined = 0;
        server.PresenceChanged += notice =>
        {
            if (notice.Kind == PresenceKind.Joined)
            {
                Interlocked.Increment(ref joined);
            }
        };
        var failures = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        server.Failed += (_, failure) => failures.AddOrUpdate(failure.Reason.ToString(), 1, (_, n) => n + 1);
        var endPoint = server.Start("127.0.0.1", 0);
        (long managed0, long workingSet0, long private0) = MeasureMemory();

        using Process child = StartChild(endPoint.Port, count, settings.HubConnectParallelism);
        try
        {
            string ready = await ReadLineAsync(child, TimeSpan.FromMinutes(5)).ConfigureAwait(false);
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

            return new HubResult(sessions, failed, connectMs, Describe(failures), managed1 - managed0, workingSet1 - workingSet0, private1 - private0, fanout);
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
        return (managed, self.WorkingSet64, self.PrivateMemorySize64);
    }

    private static Process StartChild(int port, int count, int parallelism)
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

        start.ArgumentList.Add(HubClientProcess.Flag);
        start.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add(count.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add(parallelism.ToString(CultureInfo.InvariantCulture));
        return Process.Start(start) ?? throw new InvalidOperationException("could not start the hub client process");
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
