using System.Globalization;
using System.Runtime.InteropServices;

namespace SecureChat.Bench;

/// <summary>
/// CPU time at microsecond resolution, where <see cref="System.Diagnostics.Process.TotalProcessorTime"/> counts
/// ticks of 10 ms on Linux: the whole process's (getrusage, RUSAGE_SELF: every thread, those that ended included),
/// and each live thread's (<c>/proc/self/task/TID/schedstat</c>, nanoseconds on a core, with its name from
/// <c>comm</c>). Linux only: elsewhere the process figure is <see cref="double.NaN"/> and there are no threads.
/// Thread-safe (every call reads the kernel's counters afresh).
/// </summary>
internal static class CpuTime
{
    private const int ResourceUsageSelf = 0; // RUSAGE_SELF

    /// <summary>User + system CPU time of this process so far, in microseconds.</summary>
    public static double ProcessMicros()
    {
        if (!OperatingSystem.IsLinux() || getrusage(ResourceUsageSelf, out ResourceUsage usage) != 0)
        {
            return double.NaN;
        }

        return (usage.UserSeconds + usage.SystemSeconds) * 1e6 + usage.UserMicros + usage.SystemMicros;
    }

    /// <summary>Every live thread's name and nanoseconds on a core so far, by thread id.</summary>
    public static Dictionary<int, (string Name, long Nanoseconds)> Threads()
    {
        var threads = new Dictionary<int, (string, long)>();
        if (!OperatingSystem.IsLinux())
        {
            return threads;
        }

        foreach (string task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                int id = int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture);
                string name = File.ReadAllText(Path.Combine(task, "comm")).Trim();
                long onCpu = long.Parse(File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ')[0], CultureInfo.InvariantCulture);
                threads[id] = (name, onCpu);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                // The thread ended between the listing and the read.
            }
        }

        return threads;
    }

    /// <summary>
    /// What each kind of thread (by name) spent between two <see cref="Threads"/> snapshots, in milliseconds, with how
    /// many threads of that name ran at all; largest first. A thread that ended meanwhile is missing from the second
    /// snapshot and so from the sums.
    /// </summary>
    public static IReadOnlyList<(string Name, int Threads, double Milliseconds)> Spent(
        Dictionary<int, (string Name, long Nanoseconds)> before, Dictionary<int, (string Name, long Nanoseconds)> after) =>
        [.. after
            .Select(t => (t.Value.Name, Delta: t.Value.Nanoseconds - (before.TryGetValue(t.Key, out var b) ? b.Nanoseconds : 0)))
            .Where(t => t.Delta > 0)
            .GroupBy(t => t.Name, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Count(), g.Sum(t => t.Delta) / 1e6))
            .OrderByDescending(g => g.Item3)];

    // DllImport rather than LibraryImport: the generated stubs need unsafe code, which this project does not allow.
    [DllImport("libc", SetLastError = true)]
    private static extern int getrusage(int who, out ResourceUsage usage);

    /// <summary>struct rusage on 64-bit Linux: two timevals, then fourteen longs this class does not read.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct ResourceUsage
    {
        public long UserSeconds;
        public long UserMicros;
        public long SystemSeconds;
        public long SystemMicros;
        public long MaxResident;
        public long SharedText;
        public long SharedData;
        public long SharedStack;
        public long MinorFaults;
        public long MajorFaults;
        public long Swaps;
        public long BlocksIn;
        public long BlocksOut;
        public long MessagesSent;
        public long MessagesReceived;
        public long Signals;
        public long VoluntarySwitches;
        public long InvoluntarySwitches;
    }
}
