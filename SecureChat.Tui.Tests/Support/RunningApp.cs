using System.Diagnostics;
using System.Text;

namespace SecureChat.Tui.Tests.Support;

/// <summary>A started app process whose output lines are collected as they come. Every wait is bounded.</summary>
internal sealed class RunningApp : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _out = new();
    private readonly StringBuilder _err = new();
    private readonly object _gate = new();

    public RunningApp(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(_out, e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_err, e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The process id, for tests that inspect the running process (/proc).</summary>
    public int ProcessId => _process.Id;

    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _out.ToString();
            }
        }
    }

    public string Error
    {
        get
        {
            lock (_gate)
            {
                return _err.ToString();
            }
        }
    }

    public void WriteLine(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    public void CloseInput() => _process.StandardInput.Close();

    /// <summary>Kills the process at once (SIGKILL): no goodbye to its peers.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit(10_000);
    }

    /// <summary>Sends a signal by name (TERM, HUP, INT) with kill(1).</summary>
    public void Signal(string name)
    {
        using Process kill = Process.Start("kill", ["-s", name, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit(10_000);
    }

    /// <summary>Waits until standard output contains <paramref name="text"/>; fails with both streams if it never does.</summary>
    public void WaitForOutput(string text, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (clock.Elapsed > timeout || (_process.HasExited && !Output.Contains(text, StringComparison.Ordinal) && clock.Elapsed > TimeSpan.FromSeconds(1)))
            {
                throw new ShouldAssertException($"'{text}' did not appear in {timeout.TotalSeconds}s.\nstdout:\n{Output}\nstderr:\n{Error}");
            }

            Thread.Sleep(50);
        }
    }

    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            throw new ShouldAssertException($"the app did not exit in {timeout.TotalSeconds}s.\nstdout:\n{Output}\nstderr:\n{Error}");
        }

        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    private void Append(StringBuilder builder, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            builder.AppendLine(line);
        }
    }
}
