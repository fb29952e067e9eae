using System.Diagnostics;
using System.Runtime.InteropServices;

namespace SecureChat.Bench;

/// <summary>
/// The calling thread's time on a core, from <c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c> (nanoseconds, brought up
/// to date at each call, where <c>/proc/thread-self/schedstat</c> moves only at the scheduler's ticks): what one
/// operation cost this thread, whatever else the machine ran meanwhile. Elsewhere than Linux, the wall clock.
/// Thread-safe.
/// </summary>
internal static class ThreadCpu
{
    private const int ThreadCpuTimeClock = 3; // CLOCK_THREAD_CPUTIME_ID

    /// <summary>This thread's CPU time so far (or the wall clock's reading), in milliseconds.</summary>
    public static double Milliseconds()
    {
        if (OperatingSystem.IsLinux() && clock_gettime(ThreadCpuTimeClock, out TimeSpec now) == 0)
        {
            return now.Seconds * 1e3 + now.Nanoseconds / 1e6;
        }

        return Stopwatch.GetTimestamp() * 1000.0 / Stopwatch.Frequency;
    }

    // DllImport rather than LibraryImport: the generated stubs need unsafe code, which this project does not allow.
    [DllImport("libc", SetLastError = true)]
    private static extern int clock_gettime(int clock, out TimeSpec time);

    /// <summary>struct timespec on 64-bit Linux.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
