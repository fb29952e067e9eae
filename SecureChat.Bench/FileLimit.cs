using System.Runtime.InteropServices;

namespace SecureChat.Bench;

/// <summary>
/// The process's limit on open files (RLIMIT_NOFILE): each hub session is one socket in the server process and one in
/// the client process. <see cref="Require"/> raises the soft limit up to the hard one when needed (child processes
/// inherit it) and fails with a clear message when even the hard limit is too low. Linux only; elsewhere a no-op.
/// </summary>
internal static class FileLimit
{
    private const int ResourceNoFile = 7; // RLIMIT_NOFILE on Linux

    public static void Require(int files)
    {
        if (!OperatingSystem.IsLinux() || getrlimit(ResourceNoFile, out RLimit limit) != 0 || limit.Current >= (ulong)files)
        {
            return;
        }

        if (limit.Maximum < (ulong)files)
        {
            throw new InvalidOperationException($"{files:N0} open files are needed but the hard limit is {limit.Maximum:N0} (ulimit -Hn)");
        }

        var raised = new RLimit { Current = (ulong)files, Maximum = limit.Maximum };
        if (setrlimit(ResourceNoFile, in raised) != 0)
        {
            throw new InvalidOperationException($"could not raise the open-file limit from {limit.Current:N0} to {files:N0} (errno {Marshal.GetLastPInvokeError()})");
        }
    }

    // DllImport rather than LibraryImport: the generated stubs need unsafe code, which this project does not allow.
    [DllImport("libc", SetLastError = true)]
    private static extern int getrlimit(int resource, out RLimit limit);

    [DllImport("libc", SetLastError = true)]
    private static extern int setrlimit(int resource, in RLimit limit);

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }
}
