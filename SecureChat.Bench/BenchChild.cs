using System.Diagnostics;

namespace SecureChat.Bench;

/// <summary>
/// This benchmark program started again as a child process (a hub's clients, a server under attack), so each side
/// has its own process, memory and thread pool: started with a role flag, read line by line, told to quit.
/// </summary>
internal static class BenchChild
{
    public static Process Start(params string[] arguments)
    {
        string path = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };

        // Under "dotnet SecureChat.Bench.dll" the process is the host; pass the assembly first.
        if (Path.GetFileNameWithoutExtension(path) == "dotnet")
        {
            start.ArgumentList.Add(typeof(BenchChild).Assembly.Location);
        }

        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("could not start a benchmark process");
    }

    public static async Task<string> ReadLineAsync(Process child, TimeSpan timeout)
    {
        string? line = await child.StandardOutput.ReadLineAsync().WaitAsync(timeout).ConfigureAwait(false);
        return line ?? throw new InvalidOperationException("the benchmark process ended early");
    }

    public static async Task StopAsync(Process child)
    {
        try
        {
            await child.StandardInput.WriteLineAsync("quit").ConfigureAwait(false);
            await child.StandardInput.FlushAsync().ConfigureAwait(false);
            child.StandardInput.Close();
        }
        catch (IOException)
        {
        }

        try
        {
            await child.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            child.Kill(entireProcessTree: true);
        }
    }
}
