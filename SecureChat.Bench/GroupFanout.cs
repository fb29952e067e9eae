using System.Diagnostics;
using System.Globalization;
using SecureChat.Engine.Transport;

namespace SecureChat.Bench;

/// <summary>
/// The hub's cost per delivered message of an MLS room (PROTOCOL.md 4.8: one GroupMessage in, a GroupRelay out to every
/// other member of the hub's roster of the group), against the v3 room message of the same text in the same room
/// (one Chat in, a Relay out to each), measured interleaved in the same run: the hub is this process, the members
/// (<see cref="GroupClientProcess"/>) another. The group is formed first, outside the measured windows, as honest
/// clients form it: key packages, the hub's GroupTasks, real commits and Welcomes. Per run: the hub process's CPU time
/// from the command to the last member's receipt, over the recipients. Not thread-safe.
/// </summary>
internal sealed class GroupFanout
{
    public Samples V4 { get; } = new();

    public Samples V3 { get; } = new();

    public Samples Ratio { get; } = new();

    public Samples V4Wall { get; } = new();

    public Samples V3Wall { get; } = new();

    public double FormMs { get; private set; }

    public int Members { get; private set; }

    public static async Task<GroupFanout> MeasureAsync(int members, int iterations, int warmup, int runs)
    {
        var result = new GroupFanout();
        var options = new ChatOptions
        {
            Name = "hub",
            MaxHandshakes = members + 64,
            EarlyDropStart = members + 64,
            MaxPeers = members + 64,
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
        using Process clients = BenchChild.Start(GroupClientProcess.Flag, endPoint.Port.ToString(CultureInfo.InvariantCulture),
            members.ToString(CultureInfo.InvariantCulture), iterations.ToString(CultureInfo.InvariantCulture));
        try
        {
            string[] ready = (await BenchChild.ReadLineAsync(clients, TimeSpan.FromSeconds(600)).ConfigureAwait(false)).Split(' ');
            if (ready[0] != "ready")
            {
                throw new InvalidOperationException($"the group client process said '{string.Join(' ', ready)}'");
            }

            result.FormMs = double.Parse(ready[1], CultureInfo.InvariantCulture);
            result.Members = int.Parse(ready[2], CultureInfo.InvariantCulture);
            for (int i = 0; i < warmup + runs; i++)
            {
                // Alternate which goes first, so a drift in the machine's speed hits both alike.
                (double v4, double v4Wall) = (0, 0);
                (double v3, double v3Wall) = (0, 0);
                if (i % 2 == 0)
                {
                    (v4, v4Wall) = await OnceAsync(clients, "v4", members).ConfigureAwait(false);
                    (v3, v3Wall) = await OnceAsync(clients, "v3", members).ConfigureAwait(false);
                }
                else
                {
                    (v3, v3Wall) = await OnceAsync(clients, "v3", members).ConfigureAwait(false);
                    (v4, v4Wall) = await OnceAsync(clients, "v4", members).ConfigureAwait(false);
                }

                if (i < warmup)
                {
                    continue;
                }

                result.V4.Add(v4);
                result.V3.Add(v3);
                result.Ratio.Add(v4 / v3);
                result.V4Wall.Add(v4Wall);
                result.V3Wall.Add(v3Wall);
            }
        }
        finally
        {
            await BenchChild.StopAsync(clients).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>One message fanned out: the hub's CPU per recipient (us) and the wall time to the last receipt (ms).</summary>
    private static async Task<(double CpuUs, double WallMs)> OnceAsync(Process clients, string command, int members)
    {
        await Task.Delay(100).ConfigureAwait(false);
        double cpu = CpuTime.ProcessMicros();
        long start = Stopwatch.GetTimestamp();
        await clients.StandardInput.WriteLineAsync(command).ConfigureAwait(false);
        await clients.StandardInput.FlushAsync().ConfigureAwait(false);
        string line = await BenchChild.ReadLineAsync(clients, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        double wall = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        double spent = CpuTime.ProcessMicros() - cpu;
        if (line != "received")
        {
            throw new InvalidOperationException($"the group client process said '{line}'");
        }

        return (spent / (members - 1), wall);
    }
}
