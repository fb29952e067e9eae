using System.Diagnostics;
using System.Globalization;

namespace SecureChat.Bench;

/// <summary>
/// A join to the hub benchmark's big room (<see cref="HubRoomPlan"/>), timed on the hub: one client outside it enters
/// it (the client process's <see cref="HubJoinProbe"/>), and the hub tells it of every member and every member of it,
/// then it parts; again and again. Per join: the hub process's CPU time from the request until every notice of it is
/// written, less what the hub spends idle (its members' heartbeats and their acknowledgements) over as long, measured
/// just before; and the time until the joiner has heard of every member. Not thread-safe.
/// </summary>
internal sealed class HubJoin
{
    private const int Warmup = 1;

    /// <summary>How many are in the room the joiner enters, itself included (RoomInfo entered).</summary>
    public int RoomMembers { get; private set; }

    /// <summary>The hub's CPU time for one join, idle time taken out (ms).</summary>
    public Samples HubCpuMs { get; } = new();

    /// <summary>The hub's CPU time over the same span, idle time included (ms).</summary>
    public Samples RawCpuMs { get; } = new();

    /// <summary>From the request until the joiner has heard of every member (ms; two pipe hops included).</summary>
    public Samples EnteredMs { get; } = new();

    public static async Task<HubJoin> MeasureAsync(HubMeter meter, Process clients, int runs, TimeSpan presenceDelay)
    {
        var result = new HubJoin();
        try
        {
            for (int i = 0; i < Warmup + runs; i++)
            {
                await HubBench.WaitForServerOutputAsync(meter).ConfigureAwait(false);

                // The hub's idle CPU rate right now, over about as long as a join's measurement lasts.
                TimeSpan idleSpan = presenceDelay + TimeSpan.FromMilliseconds(200);
                double idle = CpuTime.ProcessMicros();
                long idleStart = Stopwatch.GetTimestamp();
                await Task.Delay(idleSpan).ConfigureAwait(false);
                double idleRate = (CpuTime.ProcessMicros() - idle) / Stopwatch.GetElapsedTime(idleStart).TotalMicroseconds;

                double cpu = CpuTime.ProcessMicros();
                long start = Stopwatch.GetTimestamp();
                string joined = await CommandAsync(clients, "join").ConfigureAwait(false);
                double enteredMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                string[] parts = joined.Split(' ');
                if (parts.Length != 2 || parts[0] != "joined")
                {
                    throw new InvalidOperationException($"the hub client process said '{joined}'");
                }

                // The others' Joined notices may be held up to the presence delay before they are sealed and written.
                await Task.Delay(presenceDelay + TimeSpan.FromMilliseconds(50)).ConfigureAwait(false);
                await HubBench.WaitForServerOutputAsync(meter).ConfigureAwait(false);
                double spent = CpuTime.ProcessMicros() - cpu;
                double elapsed = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
                string parted = await CommandAsync(clients, "part").ConfigureAwait(false);
                if (parted != "parted")
                {
                    throw new InvalidOperationException($"the hub client process said '{parted}'");
                }

                if (i >= Warmup)
                {
                    result.RoomMembers = int.Parse(parts[1], CultureInfo.InvariantCulture);
                    result.RawCpuMs.Add(spent / 1000);
                    result.HubCpuMs.Add(Math.Max(0, spent - idleRate * elapsed) / 1000);
                    result.EnteredMs.Add(enteredMs);
                }
            }
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException)
        {
            // The other hub figures stand; these stay empty (-1 in the JSON).
            Console.Error.WriteLine($"  the timed join failed: {e.Message}");
        }

        return result;
    }

    private static async Task<string> CommandAsync(Process clients, string command)
    {
        await clients.StandardInput.WriteLineAsync(command).ConfigureAwait(false);
        await clients.StandardInput.FlushAsync().ConfigureAwait(false);
        return await BenchChild.ReadLineAsync(clients, TimeSpan.FromSeconds(90)).ConfigureAwait(false);
    }
}
