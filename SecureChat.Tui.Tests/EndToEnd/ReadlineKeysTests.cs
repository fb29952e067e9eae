using System.Globalization;
using SecureChat.Tui.Tests.Support;

namespace SecureChat.Tui.Tests.EndToEnd;

/// <summary>
/// The readline keys as a real terminal sends them through tmux (ESC-prefixed Alt keys, control bytes): Alt+Backspace,
/// Alt+D and Ctrl+Y in the input line of a server's operator, then Ctrl+R over the lines sent, with Esc cancelling,
/// and Enter taking a match that a second Enter sends to a headless client.
/// </summary>
public sealed class ReadlineKeysTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public void Cut_yank_word_deletes_and_history_search_work_with_the_keys_a_terminal_sends()
    {
        if (!Tmux.IsInstalled())
        {
            Assert.Skip("tmux is not installed: the real-terminal readline test cannot run (apt-get install tmux)");
        }

        string dll = AppUnderTest.DllPath;
        int port = AppUnderTest.FreePort();
        using var tmux = new Tmux();
        tmux.NewSession("server", $"dotnet '{dll}' --config-dir '{AppUnderTest.NewConfigDir()}' --server --port {port} --name Alice; sleep 60");
        tmux.WaitForScreen("server", s => s.Contains("listening", StringComparison.Ordinal), s_wait, "the server's listening status");
        using RunningApp bob = AppUnderTest.Start("--client", "localhost", port.ToString(CultureInfo.InvariantCulture), "--headless", "--name", "Bob");
        tmux.WaitForScreen("server", s => s.Contains("Bob joined", StringComparison.Ordinal), s_wait, "the client joining");

        tmux.Type("server", "alpha beta gamma", enter: false);
        Expect(tmux, "alpha beta gamma");
        tmux.Keys("server", "M-BSpace");
        Expect(tmux, "alpha beta");
        tmux.Keys("server", "C-a");
        tmux.Keys("server", "M-d");
        Expect(tmux, " beta");
        tmux.Keys("server", "C-e");
        tmux.Keys("server", "C-y");
        Expect(tmux, " beta alpha");
        tmux.Keys("server", "C-u");
        Expect(tmux, string.Empty);
        tmux.Keys("server", "C-y");
        Expect(tmux, " beta alpha");
        tmux.Keys("server", "C-u");

        tmux.Type("server", "first line");
        bob.WaitForOutput("[Alice:operator]: first line", s_wait);
        tmux.Type("server", "second words");
        bob.WaitForOutput("[Alice:operator]: second words", s_wait);

        tmux.Type("server", "draft", enter: false);
        Expect(tmux, "draft");
        tmux.Keys("server", "C-r");
        tmux.Type("server", "rst", enter: false);
        string found = tmux.WaitForScreen("server", s => s.Contains("(search `rst`) first line", StringComparison.Ordinal), s_wait, "the match in the input line");
        TestContext.Current.TestOutputHelper?.WriteLine(found);
        tmux.Keys("server", "Escape");
        Expect(tmux, "draft");
        tmux.Keys("server", "C-u");

        tmux.Keys("server", "C-r");
        tmux.Type("server", "wor", enter: false);
        tmux.WaitForScreen("server", s => s.Contains("(search `wor`) second words", StringComparison.Ordinal), s_wait, "the match in the input line");
        tmux.Keys("server", "Enter");
        tmux.WaitForScreen("server", s => s.Contains("> second words", StringComparison.Ordinal), s_wait, "the match taken into the line");
        tmux.Keys("server", "C-e");
        tmux.Type("server", " again");
        bob.WaitForOutput("[Alice:operator]: second words again", s_wait);
        bob.Output.Split('\n').Count(l => l.Contains("[Alice:operator]: second words", StringComparison.Ordinal)).ShouldBe(2, "Enter on the match did not send it");

        tmux.Type("server", "exit");
        bob.WaitForExit(s_wait).ShouldBe(0);
    }

    private static void Expect(Tmux tmux, string line) =>
        tmux.WaitForScreen("server", s => InputLine(s) == line, s_wait, $"the input line '{line}'");

    /// <summary>What the input line shows after its "> " prompt, trailing spaces cut.</summary>
    private static string InputLine(string screen)
    {
        string? line = screen.Split('\n').LastOrDefault(l => l.TrimStart('│', ' ').StartsWith("> ", StringComparison.Ordinal));
        return line is null ? "(no input line)" : line.TrimStart('│', ' ')[2..].TrimEnd('│', ' ');
    }
}
