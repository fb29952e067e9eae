using System.Diagnostics;
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

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A fresh, empty configuration directory (identity and trust files) inside the isolated home.</summary>
    public static string NewConfigDir() =>
        Directory.CreateDirectory(Path.Combine(IsolatedHome.Path, "config-" + Guid.NewGuid().ToString("N")[..12])).FullName;

    /// <summary>
    /// The arguments with <c>--config-dir</c> added (a fresh directory) unless they name one: every instance a test
    /// starts has its own identity and trust files, none of them the user's.
    /// </summary>
    public static string[] WithConfigDir(string[] args) =>
        args.Contains("--config-dir") ? args : [.. args, "--config-dir", NewConfigDir()];

    /// <summary>The shell words to run the app with <paramref name="args"/> (and its own config directory) in tmux.</summary>
    public static string Command(params string[] args) =>
        "dotnet " + string.Join(' ', new[] { DllPath }.Concat(WithConfigDir(args)).Select(a => "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));

    /// <summary>Starts <c>dotnet SecureChat.Tui.dll args</c> with stdin, stdout and stderr redirected (UTF-8), in an empty home.</summary>
    public static RunningApp Start(params string[] args)
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
        return new RunningApp(Process.Start(info)!);
    }
}
