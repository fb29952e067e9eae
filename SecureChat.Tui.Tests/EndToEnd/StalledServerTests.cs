using SecureChat.Tui.Tests.Support;

namespace SecureChat.Tui.Tests.EndToEnd;

/// <summary>
/// A full-screen client in a real terminal whose server stalls (a real server process stopped with SIGSTOP: its
/// socket stays open and no Close ever comes), until the client's idle limit (45 s) ends the link. The client runs
/// with --no-reconnect: the end of the link is what is shown (ReconnectScreenTests covers the client that comes back).
/// </summary>
public sealed class StalledServerTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    /// <summary>The idle limit after the server's last heartbeat (at most 15 s before the stop), with room for a loaded machine.</summary>
    private static readonly TimeSpan s_idleEnd = TimeSpan.FromSeconds(90);

    [Fact]
    public void After_a_stalled_server_times_out_the_pane_names_each_line_sent_the_status_says_failed_and_input_hears_why()
    {
        if (!Tmux.IsInstalled())
        {
            Assert.Skip("tmux is not installed: the real-terminal test cannot run (apt-get install tmux)");
        }

        int port = AppUnderTest.FreePort();
        using RunningApp server = AppUnderTest.StartServer(port, "Alice");
        using var tmux = new Tmux();
        tmux.NewSession("client", $"dotnet '{AppUnderTest.DllPath}' --config-dir '{AppUnderTest.NewConfigDir()}' --client localhost {port} --name Bob --no-reconnect; sleep 60");
        tmux.WaitForScreen("client", s => Tmux.StatusLine(s).Contains("secure", StringComparison.Ordinal), s_wait, "the client's secure stage");

        server.Signal("STOP");
        try
        {
            foreach (string line in new[] { "alpha stalled", "beta stalled", "gamma stalled" })
            {
                tmux.Type("client", line);
            }

            string screen = tmux.WaitForScreen("client", s => s.Contains("timed out", StringComparison.Ordinal), s_idleEnd, "the idle limit to end the link");
            tmux.Type("client", "after the end");
            tmux.Type("client", "/verify");
            screen = tmux.WaitForScreen("client", s => s.Contains("nothing to verify", StringComparison.Ordinal), s_wait, "the answer to /verify");
            output.WriteLine(screen);

            Tmux.StatusLine(screen).ShouldContain("failed");
            Tmux.StatusLine(screen).ShouldNotContain("secure");
            Tmux.StatusLine(screen).ShouldContain("key: none (link ended)", customMessage: "no key is coming any more");
            screen.ShouldContain("may not have arrived: alpha stalled");
            screen.ShouldContain("may not have arrived: beta stalled");
            screen.ShouldContain("may not have arrived: gamma stalled");
            screen.ShouldContain("not sent: the connection was lost");
            screen.ShouldContain("nothing to verify: the connection was lost");
            screen.ShouldNotContain("not secure yet");
        }
        finally
        {
            server.Signal("CONT");
        }
    }
}
