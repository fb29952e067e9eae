using System.Globalization;
using System.Text.RegularExpressions;
using SecureChat.Tui.Tests.Support;

namespace SecureChat.Tui.Tests.EndToEnd;

/// <summary>
/// A changed server identity in a real terminal (tmux, 120x40): a client pins a server's identity, another server
/// (another identity: its own --config-dir) then answers on the same port, and the client in full screen shows a
/// modal warning with both fingerprints, the status bar saying <c>identity changed</c>, before anything is sent.
/// Typing does not dismiss it; the key that does (or SIGTERM) ends the app with exit code 3, the terminal is
/// restored, and the ssh-style warning is printed after the screen closed, so it stays in the scrollback. The
/// impostor never sees the client join.
/// </summary>
public sealed partial class ChangedIdentityTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("Escape")]
    [InlineData("Enter")]
    [InlineData("F10")]
    [InlineData("C-c")]
    [InlineData("SIGTERM")]
    public void A_changed_identity_opens_a_full_screen_warning_and_the_key_that_dismisses_it_exits_3(string key)
    {
        if (!Tmux.IsInstalled())
        {
            Assert.Skip("tmux is not installed: the real-terminal test cannot run (apt-get install tmux)");
        }

        string dll = AppUnderTest.DllPath;
        int port = AppUnderTest.FreePort();
        string portText = port.ToString(CultureInfo.InvariantCulture);
        string clientConfig = AppUnderTest.NewConfigDir();
        string dir = Directory.CreateTempSubdirectory("securechat-identity-").FullName;
        string clientExit = Path.Combine(dir, "client.exit");
        string clientPid = Path.Combine(dir, "client.pid");
        string remembered;
        using (RunningApp original = StartServer(portText, "Alice"))
        {
            using RunningApp first = AppUnderTest.Start("--client", "localhost", portText, "--headless", "--name", "Bob", "--config-dir", clientConfig);
            first.WaitForOutput("Peer identity of Alice", s_wait);
            remembered = IdentityLine().Match(first.Output).Groups[1].Value;
            first.WriteLine("exit");
            first.WaitForExit(s_wait).ShouldBe(0, first.Error);
            original.WriteLine("exit");
            original.WaitForExit(s_wait).ShouldBe(0);
        }

        remembered.ShouldNotBeEmpty();
        using RunningApp impostor = StartServer(portText, "Alice");
        using var tmux = new Tmux();
        try
        {
            tmux.NewSession("client", $"sh -c 'echo $$ > \"{clientPid}\"; exec dotnet \"{dll}\" --config-dir \"{clientConfig}\" --client localhost {port} --name Bob'; echo EXIT:$? > '{clientExit}'; sleep 60");
            // The whole warning: a capture can land while the dialog is half drawn.
            string screen = tmux.WaitForScreen("client", s => s.Contains("Presented identity:", StringComparison.Ordinal) && s.Contains("--accept-identity \"", StringComparison.Ordinal) && Tmux.StatusLine(s).Contains("identity changed", StringComparison.Ordinal), s_wait, "the changed-identity warning");
            string[] rows = screen.Split('\n');
            int label = Array.FindIndex(rows, r => r.Contains("Presented identity:", StringComparison.Ordinal));
            string presented = Fingerprint().Match(rows[label + 1]).Value;
            presented.ShouldNotBeEmpty(screen);
            presented.ShouldNotBe(remembered);
            screen.ShouldContain("Server identity changed: connection refused");
            screen.ShouldContain($"localhost:{port} has changed");
            screen.ShouldContain("    " + remembered);
            screen.ShouldContain($"--accept-identity \"{presented}\"");
            Tmux.StatusLine(screen).ShouldContain("identity changed");
            tmux.Query("client", "#{alternate_on}").ShouldBe("1", "the warning is on the full screen");

            // Typing (spaces too, which would press a focused button) neither dismisses the warning nor reaches the
            // chat behind it; the chosen key dismisses it.
            tmux.Type("client", "this must never be sent", enter: false);
            Thread.Sleep(500);
            string typed = tmux.Capture("client");
            typed.ShouldContain("Presented identity:", customMessage: "still up after typing");
            typed.ShouldNotContain("this must never be sent", customMessage: "the warning takes every key");
            File.Exists(clientExit).ShouldBeFalse("still running after typing");
            if (key == "SIGTERM")
            {
                using var kill = System.Diagnostics.Process.Start("kill", ["-s", "TERM", File.ReadAllText(clientPid).Trim()]);
                kill.WaitForExit(10_000).ShouldBeTrue();
            }
            else
            {
                tmux.Keys("client", key);
            }
            Tmux.WaitForExitFile(clientExit, s_wait).ShouldBe("EXIT:3");
            tmux.Query("client", SignalTests.Modes).ShouldBe(SignalTests.CleanModes, "the terminal is restored");
            string after = tmux.Capture("client");
            after.ShouldContain("securechat: WARNING: THE IDENTITY OF THE SERVER AT");
            after.ShouldContain($"Remembered identity: {remembered}");
            after.ShouldContain($"Presented identity:  {presented}");
            after.ShouldNotMatch(@"F10\s+Quit", "the status bar is gone (a fingerprint may hold F10)");

            impostor.Output.ShouldNotContain("Bob joined");
            impostor.Output.ShouldNotContain("this must never be sent");
            impostor.WriteLine("exit");
            impostor.WaitForExit(s_wait).ShouldBe(0);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static RunningApp StartServer(string port, string name)
    {
        RunningApp server = AppUnderTest.Start("--server", "--port", port, "--headless", "--name", name);
        server.WaitForOutput("[*] Waiting for client connection...", s_wait);
        return server;
    }

    [GeneratedRegex(@"Peer identity of [^:]+: ([0-9A-F]{4}(?: [0-9A-F]{4}){7})")]
    private static partial Regex IdentityLine();

    [GeneratedRegex(@"[0-9A-F]{4}(?: [0-9A-F]{4}){7}")]
    private static partial Regex Fingerprint();
}
