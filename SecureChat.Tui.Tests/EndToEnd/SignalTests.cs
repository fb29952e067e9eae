using System.Diagnostics;
using System.Globalization;
using SecureChat.Tui.Tests.Support;

namespace SecureChat.Tui.Tests.EndToEnd;

/// <summary>
/// Leaving by signal or Ctrl+C in a real terminal: the full-screen app closes its links cleanly (the peer sees a
/// normal leave, not a lost connection), exits 0, and gives the terminal back with every mode it set reset:
/// alternate screen, mouse tracking, keypad and cursor-key modes. The client whose server was killed exits 1.
/// </summary>
public sealed class SignalTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    /// <summary>tmux's view of the modes a full-screen app may leave behind; all "0" on a clean terminal.</summary>
    internal const string Modes = "#{alternate_on} #{keypad_flag} #{keypad_cursor_flag} #{mouse_any_flag} #{mouse_button_flag} #{mouse_standard_flag} #{mouse_sgr_flag} #{mouse_all_flag}";

    internal const string CleanModes = "0 0 0 0 0 0 0 0";

    [Theory]
    [InlineData("TERM")]
    [InlineData("HUP")]
    [InlineData("INT")]
    [InlineData("Ctrl+C")]
    public void A_signal_or_Ctrl_C_closes_cleanly_and_restores_the_terminal(string how)
    {
        if (!Tmux.IsInstalled())
        {
            Assert.Skip("tmux is not installed: the real-terminal signal test cannot run (apt-get install tmux)");
        }

        string dll = AppUnderTest.DllPath;
        int port = AppUnderTest.FreePort();
        string dir = Directory.CreateTempSubdirectory("securechat-signal-").FullName;
        string serverPid = Path.Combine(dir, "server.pid");
        string serverExit = Path.Combine(dir, "server.exit");
        using var tmux = new Tmux();
        try
        {
            tmux.NewSession("server", $"sh -c 'echo $$ > \"{serverPid}\"; exec dotnet \"{dll}\" --config-dir \"{AppUnderTest.NewConfigDir()}\" --server --port {port} --name Alice'; echo EXIT:$? > '{serverExit}'; sleep 60");
            tmux.WaitForScreen("server", s => s.Contains("listening", StringComparison.Ordinal), s_wait, "the server's listening status");
            using RunningApp client = AppUnderTest.Start("--client", "localhost", port.ToString(CultureInfo.InvariantCulture), "--headless");
            client.WaitForOutput("[*] Alice is the server's operator", s_wait);
            tmux.WaitForScreen("server", s => Tmux.StatusLine(s).Contains("secure", StringComparison.Ordinal), s_wait, "the secure stage");
            tmux.Query("server", "#{alternate_on}").ShouldBe("1");

            if (how == "Ctrl+C")
            {
                tmux.Type("server", "a draft", enter: false);
                tmux.Keys("server", "C-c");
            }
            else
            {
                using Process kill = Process.Start("kill", ["-s", how, File.ReadAllText(serverPid).Trim()]);
                kill.WaitForExit(10_000).ShouldBeTrue();
            }

            Tmux.WaitForExitFile(serverExit, s_wait).ShouldBe("EXIT:0");
            client.WaitForOutput("[*] Server closed the connection", s_wait);
            client.WaitForExit(s_wait).ShouldBe(0, "a clean close by the peer is exit code 0");
            client.Error.ShouldNotContain("lost");
            tmux.Query("server", Modes).ShouldBe(CleanModes, "alternate screen, keypad, cursor keys and mouse modes are reset");
            tmux.Capture("server").ShouldNotMatch(@"F10\s+Quit", "the status bar is gone (a fingerprint may hold F10)");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_headless_client_whose_server_is_killed_exits_1()
    {
        int port = AppUnderTest.FreePort();
        using RunningApp server = AppUnderTest.Start("--server", "--port", port.ToString(CultureInfo.InvariantCulture), "--headless");
        server.WaitForOutput("[*] Waiting for client connection...", s_wait);
        using RunningApp client = AppUnderTest.Start("--client", "localhost", port.ToString(CultureInfo.InvariantCulture), "--headless");
        client.WaitForOutput("[*] Server is the server's operator", s_wait);
        server.Kill();
        client.WaitForExit(s_wait).ShouldBe(1);
        client.Error.ShouldContain("[!] the connection was lost");
    }

    [Fact]
    public void A_headless_server_with_its_input_at_the_end_keeps_serving_until_SIGTERM()
    {
        int port = AppUnderTest.FreePort();
        using RunningApp server = AppUnderTest.Start("--server", "--port", port.ToString(CultureInfo.InvariantCulture), "--headless");
        server.CloseInput();
        server.WaitForOutput("[*] Waiting for client connection...", s_wait);
        using (RunningApp client = AppUnderTest.Start("--client", "localhost", port.ToString(CultureInfo.InvariantCulture), "--headless"))
        {
            client.WaitForOutput("[*] Server is the server's operator", s_wait);
            client.WriteLine("hello after the server's input ended");
            server.WaitForOutput("[Client]: hello after the server's input ended", s_wait);
            server.Signal("TERM");
            client.WaitForOutput("[*] Server closed the connection", s_wait);
            client.WaitForExit(s_wait).ShouldBe(0);
        }

        server.WaitForExit(s_wait).ShouldBe(0);
    }
}
