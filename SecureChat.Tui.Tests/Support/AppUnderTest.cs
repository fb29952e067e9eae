using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Net;
using System.Text;
using SecureChat.TestSupport;

namespace SecureChat.Tui.Tests.Support;

/// <summary>Finds the built app (copied next to the tests by the project reference) and runs it as a real process.</summary>
internal static class AppUnderTest
{
    public static string DllPath
    {
        get
        {
            string path = Path.Combine(AppContext.BaseDirectory, "SecureChat.Tui.dll");
            File.Exists(path).ShouldBeTrue($"the app should be built next to the tests: {path}");
            File.Exists(Path.ChangeExtension(path, ".runtimeconfig.json")).ShouldBeTrue("the app's runtimeconfig.json should be next to it");
            return path;
        }
    }

    /// <summary>Where <see cref="FreePort"/> starts looking: well above the well-known and registered services here.</summary>
    private const int FirstPort = 20_000;

    private static int s_nextPort = Random.Shared.Next(0, 1 << 20); // a different start in each test process

    /// <summary>
    /// A port nothing listens on, for an app under test to listen on. It is taken below the kernel's ephemeral range:
    /// the port is free again between this check and the app's bind, and the thousands of connections the tests
    /// beside this one make take their local ports from the ephemeral range, so one of them could take a port found
    /// there in between (the app would then fail to start). Below it, only a bind takes a port.
    /// </summary>
    public static int FreePort()
    {
        int below = EphemeralRangeStart();
        for (int tries = 0; below - FirstPort >= 100 && tries < 1000; tries++)
        {
            int port = FirstPort + (int)((uint)Interlocked.Increment(ref s_nextPort) % (uint)(below - FirstPort));
            try
            {
                using var probe = new TcpListener(IPAddress.Loopback, port);
                probe.Start();
                return port;
            }
            catch (SocketException)
            {
                // In use: try the next one.
            }
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The first port of the kernel's ephemeral range (Linux; 32768 when it cannot be read).</summary>
    private static int EphemeralRangeStart()
    {
        try
        {
            string[] range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 32_768;
        }
    }

    /// <summary>A fresh, empty configuration directory (identity and trust files) inside the isolated home.</summary>
    public static string NewConfigDir() =>
        Directory.CreateDirectory(Path.Combine(IsolatedHome.Path, "config-" + Guid.NewGuid().ToString("N")[..12])).FullName;

    /// <summary>
    /// The arguments with <c>--config-dir</c> added (a fresh directory) unless they name one, and <c>--data-dir</c>
    /// beside it unless they name one or keep no history: every instance a test starts has its own identity, trust
    /// files and history, none of them the user's.
    /// </summary>
    public static string[] WithConfigDir(string[] args, bool dataDir = true)
    {
        args = args.Contains("--config-dir") ? args : [.. args, "--config-dir", NewConfigDir()];
        return !dataDir || args.Contains("--data-dir") || args.Contains("--no-history") ? args : [.. args, "--data-dir", DataDirOf(args)];
    }

    /// <summary>
    /// The data directory (the history) of an instance started with these arguments: beside its config directory, so
    /// that an instance started again with the same config directory finds its history, and none is the user's.
    /// </summary>
    public static string DataDirOf(string[] args)
    {
        int at = Array.IndexOf(args, "--config-dir");
        return at >= 0 && at + 1 < args.Length
            ? System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(args[at + 1])) + ".data"
            : System.IO.Path.Combine(IsolatedHome.Path, "data-" + Guid.NewGuid().ToString("N")[..12]);
    }

    /// <summary>
    /// The shell words to run the app with <paramref name="args"/> (and its own config directory) in tmux, where each
    /// session has a data directory of its own (<see cref="Tmux.NewSession"/>): a command typed into a shell stays short.
    /// </summary>
    public static string Command(params string[] args) =>
        "dotnet " + string.Join(' ', new[] { DllPath }.Concat(WithConfigDir(args, dataDir: false)).Select(a => "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));

    /// <summary>How long a started app may take to say it is ready, with room for a loaded machine.</summary>
    public static readonly TimeSpan ReadyWait = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A headless server named <paramref name="name"/> on <paramref name="port"/> (with <paramref name="more"/>
    /// options), returned once it waits for a client.
    /// </summary>
    public static RunningApp StartServer(int port, string name, params string[] more) =>
        Ready(Start(["--server", "--port", port.ToString(CultureInfo.InvariantCulture), "--headless", "--name", name, .. more]), "[*] Waiting for client connection...");

    /// <summary>A headless client named <paramref name="name"/> of the server on <paramref name="port"/>, returned once it names the server's operator.</summary>
    public static RunningApp StartClient(int port, string name, string operatorName) =>
        Ready(Start("--client", "localhost", port.ToString(CultureInfo.InvariantCulture), "--headless", "--name", name), $"[*] {operatorName} is the server's operator");

    public static RunningApp Ready(RunningApp app, string line)
    {
        try
        {
            app.WaitForOutput(line, ReadyWait);
            return app;
        }
        catch
        {
            app.Dispose();
            throw;
        }
    }

    /// <summary>Starts <c>dotnet SecureChat.Tui.dll args</c> with stdin, stdout and stderr redirected (UTF-8), in an empty home.</summary>
    public static RunningApp Start(params string[] args) => StartWithDataHome(null, args);

    /// <summary>
    /// As <see cref="Start"/>, with <c>XDG_DATA_HOME</c> set to <paramref name="dataHome"/> when it is given: a test that
    /// checks what an instance leaves in the default data directory looks at one no other test's instance shares.
    /// </summary>
    public static RunningApp StartWithDataHome(string? dataHome, params string[] args)
    {
        args = WithConfigDir(args);
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(DllPath);
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment.Remove("DisableRealDriverIO");
        IsolatedHome.Apply(info.Environment);
        if (dataHome is not null)
        {
            info.Environment["XDG_DATA_HOME"] = dataHome;
        }

        return new RunningApp(Process.Start(info)!);
    }
}
