using System.Globalization;
using SecureChat.Tui.Tests.Support;

namespace SecureChat.Tui.Tests.EndToEnd;

/// <summary>
/// Ctrl+Z in a real terminal under a job-control shell (bash in tmux): the full screen gives the terminal back as
/// the shell had it and stops; <c>fg</c> brings the whole screen back, with the draft, the connection, and what
/// arrived meanwhile.
/// </summary>
public sealed class SuspendTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public void Ctrl_Z_stops_the_app_with_the_terminal_restored_and_fg_redraws_the_full_screen()
    {
        if (!Tmux.IsInstalled())
        {
            Assert.Skip("tmux is not installed: the real-terminal suspend test cannot run (apt-get install tmux)");
        }

        int port = AppUnderTest.FreePort();
        using var tmux = new Tmux();
        tmux.NewSession("shell", "env PS1='shell$ ' bash --norc --noprofile -i", width: 250, height: 30);
        tmux.WaitForScreen("shell", s => s.Contains("shell$", StringComparison.Ordinal), s_wait, "the shell's prompt");
        tmux.Type("shell", "printf '\\033]2;my shell title\\033\\\\'");
        tmux.Type("shell", AppUnderTest.Command("--server", "--port", port.ToString(CultureInfo.InvariantCulture), "--name", "Alice"));
        tmux.WaitForScreen("shell", s => s.Contains("listening", StringComparison.Ordinal), s_wait, "the server's listening status");
        using RunningApp client = AppUnderTest.StartClient(port, "Bob", "Alice");
        tmux.WaitForScreen("shell", s => Tmux.StatusLine(s).Contains("secure", StringComparison.Ordinal), s_wait, "the secure stage");
        tmux.Type("shell", "a draft", enter: false);
        tmux.WaitForScreen("shell", s => s.Contains("> a draft", StringComparison.Ordinal), s_wait, "the draft");

        tmux.Keys("shell", "C-z");
        string stopped = tmux.WaitForScreen("shell", s => s.Contains("Stopped", StringComparison.Ordinal), s_wait, "the shell's job notice");
        string modes = tmux.Query("shell", SignalTests.Modes);
        string title = tmux.Query("shell", "#{pane_title}");
        TestContext.Current.TestOutputHelper?.WriteLine($"stopped: modes {modes}, title '{title}'\n{stopped}");
        modes.ShouldBe(SignalTests.CleanModes, "alternate screen, keypad, cursor keys and mouse modes are reset while stopped");
        title.ShouldBe("my shell title");
        stopped.ShouldNotMatch(@"F10\s+Quit");

        // The shell has the terminal in its own mode: typed text echoes, a command runs.
        tmux.Type("shell", "echo typed-in-the-shell-$((40 + 2))");
        tmux.WaitForScreen("shell", s => s.Contains("typed-in-the-shell-42", StringComparison.Ordinal), s_wait, "the shell's command output");

        client.WriteLine("said while you were stopped");
        Thread.Sleep(500);
        tmux.Type("shell", "fg");
        string back = tmux.WaitForScreen("shell", s => Tmux.StatusLine(s).Contains("Quit", StringComparison.Ordinal) && s.Contains("said while you were stopped", StringComparison.Ordinal), s_wait, "the full screen again, with the line that arrived");
        TestContext.Current.TestOutputHelper?.WriteLine(back);
        back.ShouldContain("> a draft");
        back.ShouldNotContain("typed-in-the-shell");
        back.ShouldContain("┌");
        tmux.Query("shell", "#{alternate_on}").ShouldBe("1");
        tmux.Query("shell", "#{pane_title}").ShouldContain("SecureChat");

        // Keys work again, and the connection is still up both ways.
        tmux.Type("shell", " sent after fg");
        client.WaitForOutput("a draft sent after fg", s_wait);
        tmux.Keys("shell", "F10");
        tmux.WaitForScreen("shell", s => s.Contains("shell$", StringComparison.Ordinal) && !s.Contains("F10", StringComparison.Ordinal), s_wait, "the shell after F10");
        tmux.Type("shell", "echo EXIT:$?");
        tmux.WaitForScreen("shell", s => s.Contains("EXIT:0", StringComparison.Ordinal), s_wait, "the app's exit code 0");
        tmux.Query("shell", SignalTests.Modes).ShouldBe(SignalTests.CleanModes);
    }
}
