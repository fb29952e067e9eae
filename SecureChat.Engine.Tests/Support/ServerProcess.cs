using System.Diagnostics;
using System.Globalization;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Support;

/// <summary>
/// A <see cref="ChatServer"/> in its own process, so a test can read that process's memory (RSS from
/// /proc/PID/status) and open sockets (/proc/PID/fd) as the operating system sees them. The child is this test
/// assembly started again with <c>SECURECHAT_TEST_SERVER</c> set: a module initializer runs the server before the
/// test runner would start. Protocol on its pipes: it prints <c>port N</c>; each line <c>stats</c> is answered with
/// <c>peers P unsent U peak K queued-peak Q operator-peak O</c>; the end of its input ends it.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private const string Variable = "SECURECHAT_TEST_SERVER";
    private const string OperatorVariable = "SECURECHAT_TEST_SERVER_OPERATOR_MS";
    private readonly Process _process;

    private ServerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public int Pid => _process.Id;

    /// <param name="operatorMillisecondsPerMessage">
    /// The operator's display takes this long to show each message (as a terminal that shows 1,000 lines a second
    /// does, its writes blocking the handler); 0: messages are not shown.
    /// </param>
    public static async Task<ServerProcess> StartAsync(int operatorMillisecondsPerMessage = 0)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(ServerProcess).Assembly.Location);
        start.Environment[Variable] = "1";
        start.Environment[OperatorVariable] = operatorMillisecondsPerMessage.ToString(CultureInfo.InvariantCulture);
        // The garbage collector as the app runs it (SecureChat.Tui.csproj's runtime options): the child is the test
        // assembly, whose runtime configuration leaves the default, which keeps free regions committed.
        start.Environment["DOTNET_GCConserveMemory"] = "7";
        IsolatedHome.Apply(start.Environment);
        Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start the server process");
        string? line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
        if (line is null || !line.StartsWith("port ", StringComparison.Ordinal))
        {
            process.Kill();
            throw new InvalidOperationException($"the server process said '{line}'");
        }

        return new ServerProcess(process, int.Parse(line[5..], CultureInfo.InvariantCulture));
    }

    /// <summary>Peers connected, unsent bytes over all of them now, and the most ever unsent.</summary>
    public async Task<(int Peers, long Unsent, long Peak)> StatsAsync()
    {
        string[] parts = await StatsLineAsync();
        return (int.Parse(parts[1], CultureInfo.InvariantCulture), long.Parse(parts[3], CultureInfo.InvariantCulture), long.Parse(parts[5], CultureInfo.InvariantCulture));
    }

    /// <summary>The most memory the peers' received events ever held while they waited to be raised.</summary>
    public async Task<long> QueuedPeakAsync() => long.Parse((await StatsLineAsync())[7], CultureInfo.InvariantCulture);

    /// <summary>The most text of members' messages that waited at once to be shown by the server's operator.</summary>
    public async Task<long> OperatorQueuedPeakAsync() => long.Parse((await StatsLineAsync())[9], CultureInfo.InvariantCulture);

    private async Task<string[]> StatsLineAsync()
    {
        await _process.StandardInput.WriteLineAsync("stats");
        await _process.StandardInput.FlushAsync();
        string line = await _process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)) ?? throw new InvalidOperationException("the server process ended");
        return line.Split(' ');
    }

    /// <summary>A field of /proc/PID/status in bytes (VmRSS, VmHWM).</summary>
    public long StatusBytes(string field)
    {
        foreach (string line in File.ReadLines($"/proc/{Pid}/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"no {field} in /proc/{Pid}/status");
    }

    /// <summary>Open TCP sockets of the process.</summary>
    public int SocketCount() => Directory.GetFiles($"/proc/{Pid}/fd").Count(fd =>
    {
        try
        {
            return new FileInfo(fd).LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true;
        }
        catch (IOException)
        {
            return false;
        }
    });

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }
        catch (Exception e) when (e is TimeoutException or IOException or InvalidOperationException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    /// <summary>True in the child process: the entry point runs <see cref="RunServerAsync"/> instead of the tests.</summary>
    internal static bool IsAsked => Environment.GetEnvironmentVariable(Variable) == "1";

    internal static async Task<int> RunServerAsync()
    {
        // Default limits: what SECURITY.md's bound is computed from.
        await using var server = new ChatServer(new ChatOptions { Name = "hub" }.FromOneAddress());
        int operatorDelay = int.Parse(Environment.GetEnvironmentVariable(OperatorVariable) ?? "0", CultureInfo.InvariantCulture);
        if (operatorDelay > 0)
        {
            server.MessageReceived += _ => Thread.Sleep(operatorDelay);
        }

        server.Failed += (peer, failure) => Console.Error.WriteLine($"server process: {peer.Name} failed: {failure.Message}"); // in the test's output, to tell why a peer went
        int port = server.Start("127.0.0.1", 0).Port;
        Console.Out.WriteLine($"port {port}");
        Console.Out.Flush();
        while (await Console.In.ReadLineAsync() is { } command)
        {
            if (command == "stats")
            {
                (long now, long peak) = server.UnsentBytes;
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"peers {server.Peers.Count} unsent {now} peak {peak} queued-peak {server.QueuedBytes.Peak} operator-peak {server.OperatorQueuedPeak}"));
                Console.Out.Flush();
            }
        }

        return 0;
    }
}
