using System.Globalization;
using System.Text.RegularExpressions;
using SecureChat.Tui.Tests.Support;

namespace SecureChat.Tui.Tests.EndToEnd;

/// <summary>
/// Two full-screen clients of one hub, each in its own tmux terminal (120x40): <c>/verify NAME</c> on both shows the
/// same 60-digit safety number, and each then sees the other as verified in <c>/names</c>.
/// </summary>
public sealed partial class SafetyNumberScreenTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public void Two_clients_in_real_terminals_read_the_same_safety_number_and_see_each_other_verified()
    {
        if (!Tmux.IsInstalled())
        {
            Assert.Skip("tmux is not installed: the real-terminal end-to-end test cannot run (apt-get install tmux)");
        }

        string dll = AppUnderTest.DllPath;
        int port = AppUnderTest.FreePort();
        string dir = Directory.CreateTempSubdirectory("securechat-e2e-").FullName;
        string bobExit = Path.Combine(dir, "bob.exit");
        string carolExit = Path.Combine(dir, "carol.exit");
        using RunningApp server = AppUnderTest.StartServer(port, "Alice");
        using var tmux = new Tmux();
        try
        {
            string client = $"dotnet '{dll}' --client localhost {port.ToString(CultureInfo.InvariantCulture)} --config-dir";
            tmux.NewSession("bob", $"{client} '{AppUnderTest.NewConfigDir()}' --name Bob; echo EXIT:$? > '{bobExit}'; sleep 60");
            tmux.WaitForScreen("bob", s => s.Contains("Alice is the server's operator", StringComparison.Ordinal), s_wait, "Bob's connection");
            tmux.NewSession("carol", $"{client} '{AppUnderTest.NewConfigDir()}' --name Carol; echo EXIT:$? > '{carolExit}'; sleep 60");
            tmux.WaitForScreen("carol", s => s.Contains("Alice is the server's operator", StringComparison.Ordinal), s_wait, "Carol's connection");
            tmux.WaitForScreen("bob", s => s.Contains("Carol joined", StringComparison.Ordinal), s_wait, "Carol joining");

            tmux.Type("bob", "/verify Carol");
            tmux.Type("carol", "/verify Bob");
            string bobScreen = tmux.WaitForScreen("bob", s => Number(s, "Carol") is not null && s.Contains("is now verified", StringComparison.Ordinal), s_wait, "Bob's safety number");
            string carolScreen = tmux.WaitForScreen("carol", s => Number(s, "Bob") is not null && s.Contains("is now verified", StringComparison.Ordinal), s_wait, "Carol's safety number");
            string seenByBob = Number(bobScreen, "Carol")!;
            output.WriteLine($"Bob's terminal:   {seenByBob}\nCarol's terminal: {Number(carolScreen, "Bob")}");
            Number(carolScreen, "Bob").ShouldBe(seenByBob);

            tmux.Type("bob", "/names");
            tmux.WaitForScreen("bob", s => Joined(s).Contains("Carol: identity", StringComparison.Ordinal) && Joined(s).Contains("vouches for it): verified", StringComparison.Ordinal), s_wait, "Carol verified in /names");

            tmux.Keys("bob", "F10");
            tmux.Keys("carol", "F10");
            Tmux.WaitForExitFile(bobExit, s_wait).ShouldBe("EXIT:0");
            Tmux.WaitForExitFile(carolExit, s_wait).ShouldBe("EXIT:0");
            server.WriteLine("exit");
            server.WaitForExit(s_wait).ShouldBe(0);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_changed_identity_shows_in_the_status_bar_and_holds_the_line_typed_until_accept()
    {
        if (!Tmux.IsInstalled())
        {
            Assert.Skip("tmux is not installed: the real-terminal end-to-end test cannot run (apt-get install tmux)");
        }

        // The hub keeps its identity but loses its names file, so another identity can take the name Carol.
        int port = AppUnderTest.FreePort();
        string p = port.ToString(CultureInfo.InvariantCulture);
        string hubDir = AppUnderTest.NewConfigDir();
        string bobDir = AppUnderTest.NewConfigDir();
        string[] hub = ["--server", "--port", p, "--headless", "--name", "Alice", "--config-dir", hubDir];
        string[] bob = ["--client", "localhost", p, "--headless", "--name", "Bob", "--config-dir", bobDir];
        using (RunningApp first = AppUnderTest.Ready(AppUnderTest.Start(hub), "[*] Waiting for client connection..."))
        {
            using RunningApp bobFirst = AppUnderTest.Ready(AppUnderTest.Start(bob), "[*] Alice is the server's operator");
            using RunningApp carol = AppUnderTest.StartClient(port, "Carol", "Alice");
            bobFirst.WaitForOutput("[#lobby] [*] Carol joined", s_wait);
            foreach (RunningApp app in new[] { carol, bobFirst, first })
            {
                app.WriteLine("exit");
                app.WaitForExit(s_wait).ShouldBe(0);
            }
        }

        File.Delete(Path.Combine(hubDir, "names"));
        using RunningApp server = AppUnderTest.Ready(AppUnderTest.Start(hub), "[*] Waiting for client connection...");
        using RunningApp mallory = AppUnderTest.StartClient(port, "Carol", "Alice");
        string dir = Directory.CreateTempSubdirectory("securechat-e2e-").FullName;
        string bobExit = Path.Combine(dir, "bob.exit");
        using var tmux = new Tmux();
        try
        {
            tmux.NewSession("bob", $"dotnet '{AppUnderTest.DllPath}' --client localhost {p} --config-dir '{bobDir}' --name Bob; echo EXIT:$? > '{bobExit}'; sleep 60");
            string screen = tmux.WaitForScreen("bob", s => Tmux.StatusLine(s).Contains("IDENTITY CHANGED: Carol", StringComparison.Ordinal), s_wait, "the changed identity in the status bar");
            Joined(screen).ShouldContain("WARNING: Carol now comes with another identity");
            output.WriteLine(Tmux.StatusLine(screen));

            tmux.Type("bob", "are you really Carol?");
            tmux.WaitForScreen("bob", s => Joined(s).Contains("held, not sent until you /accept Carol", StringComparison.Ordinal), s_wait, "the held line");
            mallory.WriteLine("yes");
            tmux.WaitForScreen("bob", s => s.Contains("<Carol> yes", StringComparison.Ordinal), s_wait, "Carol's message");
            mallory.Output.ShouldNotContain("are you really Carol?");

            tmux.Type("bob", "/accept Carol");
            mallory.WaitForOutput("[#lobby] [Bob]: are you really Carol?", s_wait);
            tmux.WaitForScreen("bob", s => !Tmux.StatusLine(s).Contains("IDENTITY CHANGED", StringComparison.Ordinal), s_wait, "the status bar without the warning");

            tmux.Keys("bob", "F10");
            Tmux.WaitForExitFile(bobExit, s_wait).ShouldBe("EXIT:0");
            mallory.WriteLine("exit");
            mallory.WaitForExit(s_wait).ShouldBe(0);
            server.WriteLine("exit");
            server.WaitForExit(s_wait).ShouldBe(0);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The safety number a screen shows for <paramref name="name"/>, its rows joined (a long line wraps); null when none yet.</summary>
    private static string? Number(string screen, string name)
    {
        string joined = Joined(screen);
        Match match = SafetyNumberText().Matches(joined).FirstOrDefault(m => m.Groups[1].Value == name) ?? Match.Empty;
        return match.Success ? match.Groups[2].Value : null;
    }

    /// <summary>The screen's text with the pane borders and every run of blanks made one space, so wrapped lines read as one.</summary>
    private static string Joined(string screen) => Regex.Replace(screen, @"[│\s]+", " ");

    [GeneratedRegex(@"safety number of you and (\w+): ((?:\d{5} ){11}\d{5})")]
    private static partial Regex SafetyNumberText();
}
