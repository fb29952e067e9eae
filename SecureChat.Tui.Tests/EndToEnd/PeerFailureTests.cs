using System.Diagnostics;
using SecureChat.Tui.Tests.Support;

namespace SecureChat.Tui.Tests.EndToEnd;

/// <summary>
/// A fault seen from a real terminal: the server process is killed (SIGKILL, no goodbye) while a client is
/// connected. The client must say the connection is gone, keep running until the user quits, exit 1 on F10 (the
/// connection was lost), say why on standard error, and leave the terminal as it found it (every mode reset, no
/// leftover UI). The client runs with --no-reconnect (ReconnectScreenTests covers the client that comes back).
/// </summary>
public sealed class PeerFailureTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public void A_client_whose_server_is_killed_reports_it_restores_the_terminal_on_F10_and_exits_1()
    {
        if (!Tmux.IsInstalled())
        {
            Assert.Skip("tmux is not installed: the real-terminal fault test cannot run (apt-get install tmux)");
        }

        string dll = AppUnderTest.DllPath;
        int port = AppUnderTest.FreePort();
        string dir = Directory.CreateTempSubdirectory("securechat-fault-").FullName;
        string serverPid = Path.Combine(dir, "server.pid");
        string clientExit = Path.Combine(dir, "client.exit");
        using var tmux = new Tmux();
        try
        {
            tmux.NewSession("server", $"sh -c 'echo $$ > \"{serverPid}\"; exec dotnet \"{dll}\" --config-dir \"{AppUnderTest.NewConfigDir()}\" --server --port {port}'; sleep 60");
            tmux.WaitForScreen("server", s => s.Contains("listening", StringComparison.Ordinal), s_wait, "the server's listening status");
            tmux.NewSession("client", $"dotnet '{dll}' --config-dir '{AppUnderTest.NewConfigDir()}' --client localhost {port} --no-reconnect; echo EXIT:$? > '{clientExit}'; sleep 60");
            tmux.WaitForScreen("client", s => Tmux.StatusLine(s).Contains("secure", StringComparison.Ordinal), s_wait, "the client's secure stage");
            tmux.Query("client", "#{alternate_on}").ShouldBe("1", "the app runs on the alternate screen");

            using (Process server = Process.GetProcessById(int.Parse(File.ReadAllText(serverPid).Trim(), System.Globalization.CultureInfo.InvariantCulture)))
            {
                server.Kill();
                server.WaitForExit(10_000).ShouldBeTrue();
            }

            string screen = tmux.WaitForScreen("client", s => Tmux.StatusLine(s) is var status && (status.Contains("disconnected", StringComparison.Ordinal) || status.Contains("failed", StringComparison.Ordinal)), s_wait, "the client's disconnected stage");
            screen.ShouldContain("connection was lost");

            tmux.Keys("client", "F10");
            Tmux.WaitForExitFile(clientExit, s_wait).ShouldBe("EXIT:1");
            tmux.Query("client", SignalTests.Modes).ShouldBe(SignalTests.CleanModes, "the terminal must be back on the normal screen, every mode reset");
            tmux.Capture("client").ShouldContain("securechat: the connection was lost");
            tmux.Capture("client").ShouldNotMatch(@"F10\s+Quit", "the status bar is gone (a fingerprint may hold F10)");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

}
