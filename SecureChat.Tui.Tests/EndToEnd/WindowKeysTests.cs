using System.Globalization;
using SecureChat.Tui.Tests.Support;

namespace SecureChat.Tui.Tests.EndToEnd;

/// <summary>
/// The window keys as a real terminal sends them through tmux (Alt+digit as ESC and the digit, Ctrl+N and Ctrl+P as
/// control bytes), on the full screen of a hub's operator with a headless client in two rooms.
/// </summary>
public sealed class WindowKeysTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public void The_window_keys_type_nothing_into_the_input_line()
    {
        using Tmux tmux = TmuxApp.NewTmuxOrSkip();
        int port = StartOperator(tmux, out _);
        using RunningApp bob = AppUnderTest.StartClient(port, "Bob", "Alice");
        tmux.Type("server", "a draft", enter: false);
        Expect(tmux, "a draft");
        foreach (string key in new[] { "M-1", "M-5", "M-0", "C-n", "C-p" })
        {
            // One key at a time, as pressed: text in the same write as an ESC-prefixed key is lost in Terminal.Gui
            // 2.5.0's decoding (Alt+B too), which no person types.
            tmux.Keys("server", key);
            Thread.Sleep(200);
            Expect(tmux, "a draft");
        }

        tmux.Type("server", " kept");
        bob.WaitForOutput("a draft kept", s_wait);
        Tmux.StatusLine(tmux.Capture("server")).ShouldContain("1:(hub)");
    }

    [Fact]
    public void Alt_digits_Ctrl_N_Ctrl_P_and_slash_window_switch_between_rooms_and_a_typed_line_goes_to_the_room_shown()
    {
        using Tmux tmux = TmuxApp.NewTmuxOrSkip();
        int port = StartOperator(tmux, out _);
        using RunningApp bob = AppUnderTest.StartClient(port, "Bob", "Alice");
        Shown(tmux, "2:#lobby");

        tmux.Type("server", "/join #dev");
        Shown(tmux, "3:#dev");
        bob.WriteLine("/join #dev");
        bob.WaitForOutput("you are in #dev", s_wait);
        bob.WriteLine("/msg #dev said in dev");
        tmux.WaitForScreen("server", s => s.Contains("<Bob> said in dev", StringComparison.Ordinal), s_wait, "Bob's line in #dev");

        tmux.Keys("server", "M-2");
        string lobby = Shown(tmux, "2:#lobby");
        lobby.ShouldNotContain("said in dev");
        bob.WriteLine("/msg #dev while you were in the lobby");
        string counted = tmux.WaitForScreen("server", s => s.Contains("3:#dev 1", StringComparison.Ordinal), s_wait, "the unread count of #dev");
        TestContext.Current.TestOutputHelper?.WriteLine(counted);
        counted.ShouldNotContain("while you were in the lobby");

        tmux.Keys("server", "M-3");
        string dev = Shown(tmux, "3:#dev");
        dev.ShouldContain("<Bob> while you were in the lobby");
        dev.ShouldNotContain("3:#dev 1");

        tmux.Keys("server", "C-n");
        Shown(tmux, "1:(hub)");
        tmux.Keys("server", "C-p");
        Shown(tmux, "3:#dev");
        tmux.Keys("server", "C-p");
        Shown(tmux, "2:#lobby");
        tmux.Keys("server", "M-1");
        Shown(tmux, "1:(hub)");
        tmux.Type("server", "/window 3");
        Shown(tmux, "3:#dev");

        tmux.Type("server", "hello dev from Alice");
        bob.WaitForOutput("hello dev from Alice", s_wait);
        bob.Output.Split('\n').Single(l => l.Contains("hello dev from Alice", StringComparison.Ordinal)).ShouldContain("#dev");
    }

    [Fact]
    public void Resizing_the_terminal_switches_the_window_list_between_the_side_pane_and_the_tab_bar()
    {
        using Tmux tmux = TmuxApp.NewTmuxOrSkip();
        StartOperator(tmux, out string wide, height: 20);
        wide.Split('\n')[1].ShouldStartWith("│1:(hub)        │", customMessage: wide);

        tmux.Resize("server", 80, 20);
        string narrow = tmux.WaitForScreen("server", s => s.Split('\n')[0].TrimEnd().Length == 80 && s.Split('\n')[0].TrimEnd().EndsWith('┐'), s_wait, "the redraw at 80 columns");
        TestContext.Current.TestOutputHelper?.WriteLine(narrow);
        string[] rows = narrow.Split('\n');
        int input = Array.FindLastIndex(rows, r => r.StartsWith("│> ", StringComparison.Ordinal));
        rows[input - 1].ShouldStartWith("│1:(hub) ", customMessage: narrow);
        rows[1].ShouldNotContain("1:(hub)");
        narrow.ShouldMatch(@"\n│\d\d:\d\d -!- listening", "the messages start at the left border");

        tmux.Resize("server", 120, 20);
        tmux.WaitForScreen("server", s => s.Split('\n')[1].StartsWith("│1:(hub)        │", StringComparison.Ordinal), s_wait, "the side pane again at 120 columns");
        tmux.Keys("server", "F10");
    }

    [Fact]
    public void Tab_completes_rooms_and_the_shown_rooms_members_and_a_message_elsewhere_is_counted_in_the_list()
    {
        using Tmux tmux = TmuxApp.NewTmuxOrSkip();
        int port = StartOperator(tmux, out _);
        using RunningApp bob = AppUnderTest.StartClient(port, "Bob", "Alice");
        tmux.Type("server", "/join #design");
        Shown(tmux, "3:#design");
        tmux.Type("server", "/join #dev");
        Shown(tmux, "4:#dev");

        tmux.Type("server", "/part #de", enter: false);
        tmux.Keys("server", "Tab");
        tmux.WaitForScreen("server", s => s.Contains("2 matches, Tab for the next: #design, #dev", StringComparison.Ordinal), s_wait, "the candidates listed");
        Expect(tmux, "/part #design");
        tmux.Keys("server", "Tab");
        Expect(tmux, "/part #dev");
        tmux.Keys("server", "C-u");

        // Bob is in #lobby, not in #dev: his name completes in #lobby only.
        tmux.Type("server", "hi B", enter: false);
        tmux.Keys("server", "Tab");
        Thread.Sleep(300);
        Expect(tmux, "hi B");
        tmux.Keys("server", "M-2");
        Shown(tmux, "2:#lobby");
        tmux.Keys("server", "Tab");
        Expect(tmux, "hi Bob");
        tmux.Keys("server", "C-u");

        tmux.Keys("server", "M-4");
        Shown(tmux, "4:#dev");
        bob.WriteLine("/msg #lobby Alice, a word in the lobby");
        string counted = tmux.WaitForScreen("server", s => s.Contains("2:#lobby 1", StringComparison.Ordinal), s_wait, "the message counted in the lobby's entry");
        TestContext.Current.TestOutputHelper?.WriteLine(counted);
        counted.ShouldNotContain("a word in the lobby");
    }

    /// <summary>
    /// Starts a hub's operator, Alice, full screen in the session "server" (<paramref name="width"/> by
    /// <paramref name="height"/>) and waits for its listening line; returns its port, and that screen.
    /// </summary>
    private static int StartOperator(Tmux tmux, out string screen, int width = 120, int height = 40)
    {
        int port = AppUnderTest.FreePort();
        TmuxApp.Start(tmux, "server", ["--server", "--port", port.ToString(CultureInfo.InvariantCulture), "--name", "Alice"], width: width, height: height);
        screen = tmux.WaitForScreen("server", s => s.Contains("listening", StringComparison.Ordinal), s_wait, "the server's listening status");
        return port;
    }

    /// <summary>Waits until the status bar names <paramref name="window"/> as the one shown; returns the screen.</summary>
    private static string Shown(Tmux tmux, string window) =>
        tmux.WaitForScreen("server", s => Tmux.StatusLine(s).Contains("│ " + window + " │", StringComparison.Ordinal), s_wait, $"window {window} shown");

    private static void Expect(Tmux tmux, string line) =>
        tmux.WaitForScreen("server", s => InputLine(s) == line, s_wait, $"the input line '{line}'");

    /// <summary>What the input line shows after its "> " prompt, trailing spaces cut.</summary>
    private static string InputLine(string screen)
    {
        string? line = screen.Split('\n').LastOrDefault(l => l.TrimStart('│', ' ').StartsWith("> ", StringComparison.Ordinal));
        return line is null ? "(no input line)" : line.TrimStart('│', ' ')[2..].TrimEnd('│', ' ');
    }
}
