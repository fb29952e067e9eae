using System.Diagnostics;
using System.Globalization;
using System.Text;
using SecureChat.Engine.Transport;

namespace SecureChat.Bench;

/// <summary>
/// The hub's fan-out of one operator message to every member of <c>#lobby</c>, run after run, each run followed by
/// its floor measured alone in the same moment (<see cref="SealSendProcess"/>: one seal and one send per recipient
/// over as many loopback sockets), so drift in the machine's speed hits both alike. Per run: the time until the
/// client process has the message everywhere, the hub's time to seal for all (<see cref="ChatServer.Broadcast"/>)
/// and to its last write, the hub process's CPU time per recipient until that write, how many cores it used meanwhile,
/// and which of its threads spent it. Not thread-safe.
/// </summary>
internal sealed class HubFanout
{
    /// <summary>
    /// Recipients served in runs not measured, at least three runs: the hub's code is compiled again, optimized, after
    /// its first calls (tiered compilation), and that compiling would count in a small hub's CPU per recipient.
    /// </summary>
    private const int WarmupRecipients = 3000;

    public Samples Total { get; } = new();

    public Samples Seal { get; } = new();

    public Samples Written { get; } = new();

    /// <summary>The hub process's CPU time from the fan-out's start to its last write, per recipient (us).</summary>
    public Samples CpuPerRecipient { get; } = new();

    /// <summary>That CPU time over the time to the last write: the cores the hub used.</summary>
    public Samples Cores { get; } = new();

    /// <summary>The floor: one seal and one send per recipient, CPU time of the sending process (us), run by run.</summary>
    public Samples SealSend { get; } = new();

    /// <summary>Each run's hub CPU per recipient over its own floor's.</summary>
    public Samples Ratio { get; } = new();

    /// <summary>The floor's wall time per recipient (us).</summary>
    public Samples SealSendWall { get; } = new();

    /// <summary>Each kind of hub thread's CPU time per fan-out (mean over the runs), largest first.</summary>
    public string Threads { get; private set; } = "n/a";

    public static async Task<HubFanout> MeasureAsync(ChatServer server, HubMeter meter, Process clients, int sessions, int runs)
    {
        var result = new HubFanout();
        string text = "fan-out 0";

        // The GroupRelay each member gets: room, the operator's digest and name, the PrivateMessage of the text (PROTOCOL.md 4.1).
        int plaintext = new BenchGroupText().GroupRelaySize(ChatEndpoint.Lobby, server.Name, Encoding.UTF8.GetByteCount(text));
        using Process sink = BenchChild.Start(SealSendProcess.SinkFlag);
        using Process sender = BenchChild.Start(SealSendProcess.SenderFlag, await BenchChild.ReadLineAsync(sink, TimeSpan.FromSeconds(30)).ConfigureAwait(false),
            sessions.ToString(CultureInfo.InvariantCulture), plaintext.ToString(CultureInfo.InvariantCulture));
        var spent = new Dictionary<string, (int Threads, double Ms)>(StringComparer.Ordinal);
        try
        {
            string ready = await BenchChild.ReadLineAsync(sender, TimeSpan.FromSeconds(120)).ConfigureAwait(false);
            if (ready != "ready")
            {
                throw new InvalidOperationException($"the seal-and-send process said '{ready}'");
            }

            int warmup = Math.Max(3, WarmupRecipients / sessions);
            for (int i = 0; i < warmup + runs; i++)
            {
                await HubBench.WaitForServerOutputAsync(meter).ConfigureAwait(false);
                await Task.Delay(200).ConfigureAwait(false);
                int timed = meter.Fanouts.Count;
                var threads = CpuTime.Threads();
                double cpu = CpuTime.ProcessMicros();
                long start = Stopwatch.GetTimestamp();
                int sealedFor = server.Broadcast(text[..^1] + (i % 10).ToString(CultureInfo.InvariantCulture));
                double sealMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                string line = await BenchChild.ReadLineAsync(clients, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
                double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (line != "received" || sealedFor != sessions)
                {
                    throw new InvalidOperationException($"the hub client process said '{line}' (sealed for {sealedFor} of {sessions})");
                }

                await HubBench.WaitUntilAsync(() => meter.Fanouts.Count > timed, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
                (_, double writtenMs, double cpuAtLastWrite) = meter.Fanouts;
                var threadsAfter = CpuTime.Threads();

                // The floor, right after, over as many sockets.
                await sender.StandardInput.WriteLineAsync("run").ConfigureAwait(false);
                await sender.StandardInput.FlushAsync().ConfigureAwait(false);
                string[] floor = (await BenchChild.ReadLineAsync(sender, TimeSpan.FromSeconds(60)).ConfigureAwait(false)).Split(' ');
                if (i < warmup)
                {
                    continue;
                }

                result.Total.Add(ms);
                result.Seal.Add(sealMs);
                result.Written.Add(writtenMs);
                double cpuUs = cpuAtLastWrite - cpu;
                result.CpuPerRecipient.Add(cpuUs / sessions);
                result.Cores.Add(cpuUs / 1000 / writtenMs);
                double floorUs = double.Parse(floor[0], CultureInfo.InvariantCulture);
                result.SealSend.Add(floorUs);
                result.Ratio.Add(cpuUs / sessions / floorUs);
                result.SealSendWall.Add(double.Parse(floor[1], CultureInfo.InvariantCulture));
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
        }

        result.Threads = spent.Count == 0 ? "n/a" : string.Join(", ", spent
            .OrderByDescending(s => s.Value.Ms)
            .Take(6)
            .Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Key} x{s.Value.Threads} {s.Value.Ms / runs:F1}")));
        return result;
    }
}
