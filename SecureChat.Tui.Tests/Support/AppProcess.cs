using System.Diagnostics;

namespace SecureChat.Tui.Tests.Support;

/// <summary>
/// A started app process and what every test does with one: write lines to it, send it signals, wait for its
/// output or its exit, and kill it when the test ends. How its output is kept (lines or raw bytes) is the
/// subclass's. Every wait is bounded.
/// </summary>
internal abstract class AppProcess : IDisposable
{
    protected AppProcess(Process process) => Process = process;

    /// <summary>The process id, for tests that inspect the running process (/proc).</summary>
    public int ProcessId => Process.Id;

    /// <summary>Standard output so far.</summary>
    public abstract string Output { get; }

    /// <summary>Standard error so far.</summary>
    public abstract string Error { get; }

    protected Process Process { get; }

    public void WriteLine(string line)
    {
        Process.StandardInput.WriteLine(line);
        Process.StandardInput.Flush();
    }

    public void CloseInput() => Process.StandardInput.Close();

    /// <summary>Kills the process at once (SIGKILL): no goodbye to its peers.</summary>
    public void Kill()
    {
        Process.Kill();
        Process.WaitForExit(10_000);
    }

    /// <summary>Sends a signal by name (TERM, HUP, INT) with kill(1).</summary>
    public void Signal(string name)
    {
        using Process kill = Process.Start("kill", ["-s", name, Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit(10_000);
    }

    /// <summary>Waits until standard output contains <paramref name="text"/>; fails with both streams if it never does.</summary>
    public void WaitForOutput(string text, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (Process.HasExited)
            {
                // Its last lines may still be on their way through the pipe (a loaded machine delays the reader by
                // seconds): wait for the end of its output, then look once more.
                Process.WaitForExit();
                OutputComplete(timeout);
                if (!Output.Contains(text, StringComparison.Ordinal))
                {
                    throw new ShouldAssertException($"'{text}' did not appear before the app exited (code {Process.ExitCode}).\nstdout:\n{Output}\nstderr:\n{Error}");
                }

                return;
            }

            if (clock.Elapsed > timeout)
            {
                throw new ShouldAssertException($"'{text}' did not appear in {timeout.TotalSeconds}s.\nstdout:\n{Output}\nstderr:\n{Error}");
            }

            Thread.Sleep(50);
        }
    }

    /// <summary>Waits until standard error contains <paramref name="text"/>; fails with both streams if it does not in time.</summary>
    public void WaitForError(string text, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!Error.Contains(text, StringComparison.Ordinal))
        {
            if (clock.Elapsed > timeout || Process.HasExited)
            {
                throw new ShouldAssertException($"'{text}' did not appear on standard error in {clock.Elapsed.TotalSeconds:0.0}s.\nstdout:\n{Output}\nstderr:\n{Error}");
            }

            Thread.Sleep(50);
        }
    }

    /// <summary>Waits for the exit and for all its output; returns the exit code.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        if (!Process.WaitForExit(timeout))
        {
            throw new ShouldAssertException($"the app did not exit in {timeout.TotalSeconds}s.\nstdout:\n{Output}\nstderr:\n{Error}");
        }

        Process.WaitForExit();
        OutputComplete(timeout);
        return Process.ExitCode;
    }

    public void Dispose()
    {
        try
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
                Process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        Process.Dispose();
    }

    /// <summary>After the exit: waits (bounded) until the last output has been kept.</summary>
    protected virtual void OutputComplete(TimeSpan timeout)
    {
    }
}
