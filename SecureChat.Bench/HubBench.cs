using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Transport;

namespace SecureChat.Bench;

/// <summary>
/// A hub with N secure sessions, each in <c>#lobby</c> and in rooms (<see cref="HubRoomPlan"/>): the server runs in
/// this process, the N clients in a child process (<see cref="HubClientProcess"/>), so the memory deltas measured here
/// are the server's own. Then timed joins of a room of up to 1,000 (<see cref="HubJoin"/>), and the fan-out of one
/// operator message to every member of <c>#lobby</c> beside its floor (<see cref="HubFanout"/>).
/// </summary>
internal static class HubBench
{
    /// <summary>Fan-out runs measured (median of them); SECURECHAT_BENCH_FANOUT_RUNS raises it to profile the fan-out alone.</summary>
    private static readonly int s_fanoutRuns =
        int.TryParse(Environment.GetEnvironmentVariable("SECURECHAT_BENCH_FANOUT_RUNS"), out int runs) && runs > 0 ? runs : 5;

    /// <summary>
    /// Both ends' handshake deadline while the hub fills: a thousand handshakes queue for two cores, and this
    /// measures capacity, not the deadline (the default 10 s is a defence against idle connections).
    /// </summary>
    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(120);

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
        List<double> FanoutMs,
        List<double> FanoutSealMs,
        List<double> FanoutWrittenMs,
        List<double> CpuPerRecipient,
        List<double> FanoutCores,
        List<double> SealSend,
        List<double> CpuRatio,
        List<double> SealSendWall,
        string FanoutThreads,
        int Rooms,
        int JoinRoomMembers,
        List<double> JoinCpuMs,
        List<double> JoinRawCpuMs,
        List<double> JoinEnteredMs,
        int Puzzles,
        double DrainMs,
        long PresenceGot,
        long PresenceExpected,
        double FillSeconds,
        double GroupSeconds,
        long LobbyCommits);

    public const string ServerFlag = "--hub-server";

    private const int WarmClients = 4;

    /// <summary>
    /// How long a member whose link ended stays away before it leaves every room (PROTOCOL.md 4.8): short, so the
    /// warm-up clients have left #lobby's group before the hub fills (no measured client's link ends before the end).
    /// </summary>
    private static readonly TimeSpan s_warmAway = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Runs the hub's server side in a fresh process (<c>--hub-server</c>), so its memory deltas are not blurred
    /// by heap the other benchmarks left resident, and reads back its one result line.
    /// </summary>
    /// <param name="fillBudget">How long the clients may go on connecting (see <see cref="BenchSettings.HubFillBudget"/>).</param>
    public static async Task<HubResult> RunInFreshProcessAsync(BenchSettings settings, TimeSpan fillBudget)
    {
        using Process server = BenchChild.Start(ServerFlag, settings.Quick ? "quick" : "full", fillBudget.TotalSeconds.ToString(CultureInfo.InvariantCulture));
        try
        {
            string line = await BenchChild.ReadLineAsync(server, settings.Watchdog).ConfigureAwait(false);
            HubResult? result = JsonSerializer.Deserialize<HubWire>(line) is { } wire
                ? new HubResult(wire.Sessions, wire.Failed, wire.SecondStageSessions, wire.ConnectMs, wire.ServerFailures, wire.ManagedBytes, wire.WorkingSetBytes, wire.PrivateBytes, wire.WorkingSetSlope, wire.PrivateSlope, ToSamples(wire.FanoutMs), ToSamples(wire.FanoutSealMs), ToSamples(wire.FanoutWrittenMs), ToSamples(wire.CpuPerRecipient), ToSamples(wire.FanoutCores), ToSamples(wire.SealSend), ToSamples(wire.CpuRatio), ToSamples(wire.SealSendWall), wire.FanoutThreads, wire.Rooms, wire.JoinRoomMembers, ToSamples(wire.JoinCpuMs), ToSamples(wire.JoinRawCpuMs), ToSamples(wire.JoinEnteredMs), wire.Puzzles, wire.DrainMs, wire.PresenceGot, wire.PresenceExpected, wire.FillSeconds, wire.GroupSeconds, wire.LobbyCommits)
                : null;
            return result ?? throw new InvalidOperationException($"the hub server process said '{line}'");
        }
        finally
        {
            await BenchChild.StopAsync(server).ConfigureAwait(false);
        }
    }

    /// <summary>The <c>--hub-server</c> process: runs the hub and prints one JSON line with the result.</summary>
    public static async Task<int> RunServerProcessAsync(string[] args)
    {
        BenchSettings settings = args.Length > 1 && args[1] == "quick" ? BenchSettings.QuickMode : BenchSettings.Full;
        TimeSpan fillBudget = TimeSpan.FromSeconds(double.Parse(args[2], CultureInfo.InvariantCulture));

        // Ends on its own even if the parent is gone (its client process ends when our pipe closes).
        using var watchdog = new Timer(_ => Environment.Exit(3), null, settings.Watchdog, Timeout.InfiniteTimeSpan);
        HubResult hub = await RunAsync(settings, fillBudget).ConfigureAwait(false);
        Console.Out.WriteLine(JsonSerializer.Serialize(new HubWire(hub.Sessions, hub.Failed, hub.SecondStageSessions, hub.ConnectMs, hub.ServerFailures, hub.ManagedBytes, hub.WorkingSetBytes, hub.PrivateBytes, hub.WorkingSetSlope, hub.PrivateSlope, ToList(hub.Fanout), ToList(hub.FanoutSeal), ToList(hub.FanoutWritten), ToList(hub.CpuPerRecipient), ToList(hub.FanoutCores), ToList(hub.SealSend), ToList(hub.CpuRatio), ToList(hub.SealSendWall), hub.FanoutThreads, hub.Rooms, hub.JoinRoomMembers, ToList(hub.JoinCpuMs), ToList(hub.JoinRawCpuMs), ToList(hub.JoinEnteredMs), hub.Puzzles, hub.DrainMs, hub.PresenceGot, hub.PresenceExpected, hub.FillSeconds, hub.GroupSeconds, hub.LobbyCommits)));
        return 0;
    }

    private static List<double> ToList(Samples samples)
    {
        var values = new List<double>();
        for (int i = 0; i < samples.Count; i++)
        {
            values.Add(samples.Percentile(100.0 * (i + 1) / samples.Count));
        }

        return values;
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

    public static async Task<HubResult> RunAsync(BenchSettings settings, TimeSpan fillBudget)
    {
        int count = settings.HubSessions;
        bool verbose = Environment.GetEnvironmentVariable("SECURECHAT_BENCH_VERBOSE") == "1";
        FileLimit.Require(count + 256);

        // Every client comes from 127.0.0.1: with the default per-source limits (10 handshakes a second, bursts of 20,
        // 16 pending) the hub would make all but the first few solve a 2^18-hash puzzle, and refuse some as rate-limited.
        var options = new ChatOptions
        {
            Name = "hub",
            MaxHandshakes = count + 64,
            EarlyDropStart = count + 64,
            MaxPeers = count + 64,
            HandshakeTimeout = HandshakeTimeout,
            HandshakeStepTimeout = HandshakeTimeout,
            Iterations = settings.HubIterations,
            AllowWeakIterationsForBenchmark = true,
            AwayMax = s_warmAway,
        }.FromOneSource();
        await using var server = new ChatServer(options);
        int warmLeft = 0;
        server.PresenceChanged += notice =>
        {
            if (notice.Kind == PresenceKind.Left)
            {
                Interlocked.Increment(ref warmLeft);
            }
        };
        using var meter = new HubMeter(server.MetricsId);
        int joined = 0;
        var fill = Stopwatch.StartNew();
        server.PresenceChanged += notice =>
        {
            if (notice.Kind == PresenceKind.Joined)
            {
                int now = Interlocked.Increment(ref joined);
                if (verbose && now % Math.Max(1, count / 10) == 0)
                {
                    Console.Error.WriteLine($"  {now:N0} joined at {fill.Elapsed.TotalSeconds:F1} s");
                }
            }
        };
        var failures = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        server.Failed += (_, failure) => failures.AddOrUpdate(failure.Reason.ToString(), 1, (_, n) => n + 1);

        // For the diagnostics of a fill that loses members: who left, and how.
        int left = 0;
        var ends = new System.Collections.Concurrent.ConcurrentQueue<string>();
        server.PresenceChanged += notice =>
        {
            if (notice.Kind == PresenceKind.Left)
            {
                Interlocked.Increment(ref left);
            }
        };
        server.Failed += (peer, failure) =>
        {
            if (ends.Count < 5)
            {
                ends.Enqueue($"{peer.Name} failed: {failure.Message}");
            }
        };
        server.Closed += (peer, byPeer) =>
        {
            if (ends.Count < 5)
            {
                ends.Enqueue($"{peer.Name} closed {(byPeer ? "by the peer" : "here")}");
            }
        };
        var endPoint = server.Start("127.0.0.1", 0);

        // Warm both ends' code paths (JIT) in this process first, so compiled code is not counted per session.
        for (int i = 0; i < WarmClients; i++)
        {
            await using var warm = new ChatClient(new ChatOptions { Name = $"warm{i}", Iterations = settings.HubIterations, AllowWeakIterationsForBenchmark = true });
            await warm.ConnectAsync("127.0.0.1", endPoint.Port).WaitAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            await SecureLink.FormLobbyGroupAsync(warm, server).ConfigureAwait(false);
        }

        await WaitUntilAsync(() => server.Peers.Count == 0, TimeSpan.FromSeconds(10)).ConfigureAwait(false);

        // Under v4 a closed link leaves its member away, still in #lobby's group (PROTOCOL.md 4.8), and the operator's
        // text would go to their away queues too: the warm-up members are let leave (AwayMax), and the operator's
        // commit of their removals is merged, before the hub is filled.
        await WaitUntilAsync(() => Volatile.Read(ref warmLeft) >= WarmClients, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        await WaitUntilSteadyAsync(() => server.GroupOf(GroupTarget.ForRoom(ChatEndpoint.Lobby)).Epoch, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        joined = 0;
        ulong lobbyEpoch0 = LobbyEpoch(server);
        (long managed0, long workingSet0, long private0) = MeasureMemory();

        using Process child = StartChild(endPoint.Port, count, settings, fillBudget);
        try
        {
            fill.Restart();
            Stage stage1 = ParseStage(await BenchChild.ReadLineAsync(child, settings.Watchdog).ConfigureAwait(false), "ready1");
            int firstJoined = Math.Max(1, count / 10) - stage1.Failed - stage1.Skipped;
            await WaitUntilAsync(() => Volatile.Read(ref joined) >= firstJoined, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            await WaitForServerOutputAsync(meter).ConfigureAwait(false);
            int sessionsMid = Volatile.Read(ref joined);
            (_, long workingSetMid, long privateMid) = MeasureMemory();
            await child.StandardInput.WriteLineAsync("more").ConfigureAwait(false);
            await child.StandardInput.FlushAsync().ConfigureAwait(false);

            Stage stage2 = ParseStage(await BenchChild.ReadLineAsync(child, settings.Watchdog).ConfigureAwait(false), "ready");
            double fillSeconds = (stage1.ConnectMs + stage2.ConnectMs) / 1000;
            int failed = stage2.Failed;
            int live = count - failed - stage2.Skipped;
            await WaitUntilAsync(() => Volatile.Read(ref joined) >= live, TimeSpan.FromSeconds(30)).ConfigureAwait(false);

            // Whoever the server counts as joined is who a fan-out reaches (and what the child waits for).
            int sessions = Volatile.Read(ref joined);
            if (sessions != live)
            {
                throw new InvalidOperationException($"{live} clients connected but the server has {sessions} joined; server failures: {Describe(failures)}");
            }

            if (stage2.Skipped > 0)
            {
                Console.Error.WriteLine($"  the fill used its {fillBudget.TotalSeconds:0} s: {stage2.Skipped:N0} of {count:N0} clients were not started");
            }

            // The client process has reported the join announcements drained (each join is announced to every joined
            // peer: n(n-1) notices in all, besides each client's own Joined for the server); the server's writers must be
            // idle too before memory and fan-out are measured.
            await WaitForServerOutputAsync(meter).ConfigureAwait(false);
            if (verbose || stage2.Got < stage2.Expected)
            {
                Console.Error.WriteLine($"  server writers: {server.Peers.Count} links ({string.Join(", ", server.Peers.GroupBy(p => p.Stage).Select(g => $"{g.Key}:{g.Count()}"))}), {meter.Queued:N0} bytes queued; failures: {Describe(failures)}; left: {Volatile.Read(ref left)}; first ends: {string.Join("; ", ends)}");
            }

            if (verbose)
            {
                Console.Error.WriteLine($"  drained {stage2.Got:N0} of {stage2.Expected:N0} announcements {stage2.DrainMs / 1000:F1} s after the last connect; {fill.Elapsed.TotalSeconds:F1} s since the first");
            }

            (long managed1, long workingSet1, long private1) = MeasureMemory();
            ulong lobbyEpochFilled = LobbyEpoch(server);

            if (verbose)
            {
                Console.Error.WriteLine($"  fan-out: {s_fanoutRuns} runs, server process {Environment.ProcessId}");
            }

            HubJoin join = await HubJoin.MeasureAsync(meter, child, s_fanoutRuns, options.PresenceDelay).ConfigureAwait(false);
            int rooms = await CountRoomsAsync(server).ConfigureAwait(false);
            HubFanout fanout = await HubFanout.MeasureAsync(server, meter, child, sessions, s_fanoutRuns).ConfigureAwait(false);

            double slope = sessions > sessionsMid ? (double)(workingSet1 - workingSetMid) / (sessions - sessionsMid) : double.NaN;
            double privateSlope = sessions > sessionsMid ? (double)(private1 - privateMid) / (sessions - sessionsMid) : double.NaN;
            return new HubResult(sessions, failed, sessions - sessionsMid, stage2.ConnectMs, Describe(failures), managed1 - managed0, workingSet1 - workingSet0, private1 - private0,
                slope, privateSlope, fanout.Total, fanout.Seal, fanout.Written, fanout.CpuPerRecipient, fanout.Cores, fanout.SealSend, fanout.Ratio, fanout.SealSendWall, fanout.Threads, rooms, join.RoomMembers, join.HubCpuMs, join.RawCpuMs, join.EnteredMs, stage1.Puzzles + stage2.Puzzles, stage2.DrainMs, stage2.Got, stage2.Expected, fillSeconds, (stage1.GroupMs + stage2.GroupMs) / 1000,
                (long)(lobbyEpochFilled - lobbyEpoch0));
        }
        finally
        {
            await BenchChild.StopAsync(child).ConfigureAwait(false);
        }
    }

    /// <summary>How many rooms the hub has, as the operator's list request answers (-1 when no answer came).</summary>
    private static async Task<int> CountRoomsAsync(ChatServer server)
    {
        var listed = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnRoom(RoomNotice notice)
        {
            if (notice.Kind == RoomNoticeKind.ListEnd)
            {
                listed.TrySetResult((int)notice.Members);
            }
        }

        server.RoomChanged += OnRoom;
        try
        {
            server.Request(new RoomRequest(RoomOp.List, string.Empty));
            return await listed.Task.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return -1;
        }
        finally
        {
            server.RoomChanged -= OnRoom;
        }
    }

    /// <summary>One stage's report from the client process (see <see cref="HubClientProcess"/>).</summary>
    private sealed record Stage(double ConnectMs, int Failed, int Skipped, int Puzzles, double DrainMs, long Got, long Expected, double GroupMs);

    private static Stage ParseStage(string line, string name)
    {
        string[] parts = line.Split(' ');
        if (parts.Length != 9 || parts[0] != name)
        {
            throw new InvalidOperationException($"the hub client process said '{line}'");
        }

        double D(int i) => double.Parse(parts[i], CultureInfo.InvariantCulture);
        return new Stage(D(1), (int)D(2), (int)D(3), (int)D(4), D(5), (long)D(6), (long)D(7), D(8));
    }

    /// <summary>Waits (at most 60 s) until the server has nothing left unsent to any peer.</summary>
    public static Task WaitForServerOutputAsync(HubMeter meter) =>
        WaitUntilAsync(() => meter.Queued == 0, TimeSpan.FromSeconds(60));

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

    private static Process StartChild(int port, int count, BenchSettings settings, TimeSpan fillBudget) =>
        BenchChild.Start(HubClientProcess.Flag, port.ToString(CultureInfo.InvariantCulture), count.ToString(CultureInfo.InvariantCulture),
            settings.HubConnectParallelism.ToString(CultureInfo.InvariantCulture), settings.HubIterations.ToString(CultureInfo.InvariantCulture),
            fillBudget.TotalSeconds.ToString(CultureInfo.InvariantCulture), settings.HubDrainMax.TotalSeconds.ToString(CultureInfo.InvariantCulture),
            settings.Watchdog.TotalSeconds.ToString(CultureInfo.InvariantCulture));

    private static string Describe(System.Collections.Concurrent.ConcurrentDictionary<string, int> failures) =>
        failures.IsEmpty ? "none" : string.Join(", ", failures.Select(f => $"{f.Key} x{f.Value}"));

    /// <summary>The epoch of #lobby's group as the hub's operator holds it: one more for each commit merged.</summary>
    private static ulong LobbyEpoch(ChatServer server) => server.GroupOf(GroupTarget.ForRoom(ChatEndpoint.Lobby)).Epoch ?? 0;

    /// <summary>Polls until <paramref name="value"/> has not changed for <paramref name="steady"/>, or the time is up.</summary>
    private static async Task WaitUntilSteadyAsync<T>(Func<T> value, TimeSpan steady, TimeSpan timeout)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        T last = value();
        long since = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(since) < steady && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(50).ConfigureAwait(false);
            T now = value();
            if (!EqualityComparer<T>.Default.Equals(now, last))
            {
                last = now;
                since = Stopwatch.GetTimestamp();
            }
        }
    }

    /// <summary>Polls until the condition holds or the time is up (the caller checks which).</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
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
