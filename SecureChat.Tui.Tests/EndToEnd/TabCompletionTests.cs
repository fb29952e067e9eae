using System.Globalization;
using SecureChat.Tui.Tests.Support;

namespace SecureChat.Tui.Tests.EndToEnd;

/// <summary>
/// Tab in a real terminal: a server's operator in tmux, with members Albert, Alma and Bob (headless clients), types
/// "hi al" and presses Tab: the first candidate goes in and a notice lists both; Tab again puts in the next, and the
/// line sent carries it.
/// </summary>
public sealed class TabCompletionTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public void Tab_again_cycles_through_the_members_that_match_and_lists_them_once()
    {
        if (!Tmux.IsInstalled())
        {
            Assert.Skip("tmux is not installed: the real-terminal Tab test cannot run (apt-get install tmux)");
        }

        string dll = AppUnderTest.DllPath;
        int port = AppUnderTest.FreePort();
        using var tmux = new Tmux();
        tmux.NewSession("server", $"dotnet '{dll}' --config-dir '{AppUnderTest.NewConfigDir()}' --server --port {port} --name Alice; sleep 60");
        tmux.WaitForScreen("server", s => s.Contains("listening", StringComparison.Ordinal), s_wait, "the server's listening status");
        string portText = port.ToString(CultureInfo.InvariantCulture);
        using RunningApp albert = AppUnderTest.Start("--client", "localhost", portText, "--headless", "--name", "Albert");
        using RunningApp alma = AppUnderTest.Start("--client", "localhost", portText, "--headless", "--name", "Alma");
        using RunningApp bob = AppUnderTest.Start("--client", "localhost", portText, "--headless", "--name", "Bob");
        tmux.WaitForScreen(
            "server",
            s => s.Contains("Albert joined", StringComparison.Ordinal) && s.Contains("Alma joined", StringComparison.Ordinal) && s.Contains("Bob joined", StringComparison.Ordinal),
            s_wait,
            "the three members joining");

        // Alice's text is for Alma: it must be sent in an epoch of #lobby's group that Alma is in (a member added later
        // cannot read what was sent before her), so the members are in the group before Alice types.
        foreach (RunningApp member in new[] { albert, alma, bob })
        {
            member.WaitForOutput("[#lobby] [*] encryption: joined the group", s_wait);
        }

        tmux.Type("server", "hi al", enter: false);
        tmux.WaitForScreen("server", s => InputLine(s) == "hi al", s_wait, "the typed word");
        tmux.Keys("server", "Tab");
        string first = tmux.WaitForScreen("server", s => InputLine(s) == "hi Albert", s_wait, "the first candidate");
        first.ShouldContain("2 matches, Tab for the next: Albert, Alma");
        tmux.Keys("server", "Tab");
        string second = tmux.WaitForScreen("server", s => InputLine(s) == "hi Alma", s_wait, "the next candidate");
        TestContext.Current.TestOutputHelper?.WriteLine(second);
        second.Split('\n').Count(l => l.Contains("matches, Tab for the next", StringComparison.Ordinal)).ShouldBe(1, "listed once for the round");

        Thread.Sleep(250);
        tmux.Keys("server", "Enter");
        alma.WaitForOutput("[Alice:operator]: hi Alma", s_wait);
        tmux.Type("server", "exit");
        albert.WaitForExit(s_wait).ShouldBe(0);
    }

    /// <summary>What the input line shows after its "> " prompt, trailing spaces cut.</summary>
    private static string InputLine(string screen)
    {
        string? line = screen.Split('\n').LastOrDefault(l => l.TrimStart('│', ' ').StartsWith("> ", StringComparison.Ordinal));
        return line is null ? string.Empty : line.TrimStart('│', ' ')[2..].TrimEnd('│', ' ');
    }
}
