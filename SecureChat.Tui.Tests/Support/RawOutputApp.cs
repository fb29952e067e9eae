using System.Diagnostics;
using System.Text;

namespace SecureChat.Tui.Tests.Support;

/// <summary>
/// The app as a real process whose standard output and error are kept as the exact bytes it wrote (no line
/// splitting, no decoding), to check what would reach a terminal: escape sequences, carriage returns, newlines.
/// Every wait is bounded.
/// </summary>
internal sealed class RawOutputApp : IDisposable
{
    private readonly Process _process;
    private readonly MemoryStream _out = new();
    private readonly MemoryStream _err = new();
    private readonly Task _pumps;

    private RawOutputApp(Process process)
    {
        _process = process;
        _pumps = Task.WhenAll(Pump(process.StandardOutput.BaseStream, _out), Pump(process.StandardError.BaseStream, _err));
    }

    /// <summary>Starts <c>dotnet SecureChat.Tui.dll args</c> like <see cref="AppUnderTest.Start"/>, keeping raw output.</summary>
    public static RawOutputApp Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
        };
        info.ArgumentList.Add(AppUnderTest.DllPath);
        foreach (string arg in AppUnderTest.WithConfigDir(args))
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment.Remove("DisableRealDriverIO");
        IsolatedHome.Apply(info.Environment);
        return new RawOutputApp(Process.Start(info)!);
    }

    public byte[] OutputBytes => Snapshot(_out);

    public byte[] ErrorBytes => Snapshot(_err);

    /// <summary>Standard output decoded as UTF-8 (nothing split or trimmed).</summary>
    public string Output => Encoding.UTF8.GetString(OutputBytes);

    public string Error => Encoding.UTF8.GetString(ErrorBytes);

    public void WriteLine(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    public void CloseInput() => _process.StandardInput.Close();

    public void WaitForOutput(string text, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (clock.Elapsed > timeout)
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
        _pumps.Wait(timeout);
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

    private static async Task Pump(Stream from, MemoryStream to)
    {
        byte[] buffer = new byte[4096];
        int read;
        while ((read = await from.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            lock (to)
            {
                to.Write(buffer, 0, read);
            }
        }
    }

    private static byte[] Snapshot(MemoryStream stream)
    {
        lock (stream)
        {
            return stream.ToArray();
        }
    }
}
