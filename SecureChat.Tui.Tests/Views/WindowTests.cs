using SecureChat.Tui.App;
using SecureChat.Tui.Tests.Support;
using SecureChat.Tui.Views;
using Terminal.Gui.Input;
using static SecureChat.Tui.Tests.Views.WindowScreen;

namespace SecureChat.Tui.Tests.Views;

/// <summary>
/// The full screen's windows on the virtual driver, fed through <see cref="ScreenView"/> as the model feeds it: one
/// scrollback per window, the windows opened and closed, the keys and <c>/window N</c> that switch, and what follows
/// the window shown (the status bar, the title, the line typed, completion, <c>/clear</c>).
/// </summary>
[Collection(TerminalGuiCollection.Name)]
public sealed class WindowTests
{
    [Fact]
    public void Each_window_keeps_its_own_lines_and_only_the_shown_windows_lines_are_on_the_screen()
    {
        using var screen = new TestScreen(width: 120, height: 20);
        ScreenView view = Open(screen, Lobby, Dev);
        view.Show(Message("#lobby", "Alice", "hello lobby"));
        view.Show(Message("#dev", "Carol", "hello dev"));
        view.Show(ChatLine.Notice("a notice of the hub"));
        screen.Pump();

        string lobby = screen.Screen();
        TestContext.Current.TestOutputHelper?.WriteLine(lobby);
        lobby.ShouldContain("<Alice> hello lobby");
        lobby.ShouldNotContain("hello dev");
        lobby.ShouldContain("a notice of the hub"); // the status window's lines show in the window shown too
        screen.Window.Windows.All.Select(w => w.Key).ShouldBe(["", "#lobby", "#dev"]);

        screen.Press(Key.D3.WithAlt);
        string dev = screen.Screen();
        dev.ShouldContain("<Carol> hello dev");
        dev.ShouldNotContain("hello lobby");

        screen.Press(Key.D1.WithAlt);
        string hub = screen.Screen();
        hub.ShouldContain("a notice of the hub");
        hub.ShouldNotContain("hello dev");
        hub.ShouldNotContain("hello lobby");
    }

    [Fact]
    public void The_status_window_always_exists_first_and_cannot_be_closed()
    {
        using var screen = new TestScreen(width: 120, height: 20);
        ScreenView view = Open(screen);
        view.CloseWindow(WindowInfo.StatusKey);
        screen.Pump();
        screen.Window.Windows.All.Count.ShouldBe(1);
        Row(screen.Screen(), "1:(hub)").ShouldStartWith("│1:(hub)");
    }

    [Fact]
    public void Closing_the_shown_window_shows_the_one_shown_before_it()
    {
        using var screen = new TestScreen(width: 120, height: 20);
        ScreenView view = Open(screen, Lobby, Dev, Bob);
        screen.Press(Key.D4.WithAlt);
        screen.Press(Key.D2.WithAlt);
        screen.Press(Key.D3.WithAlt);
        screen.Window.Windows.Current.Key.ShouldBe("#dev");

        view.CloseWindow("#dev");
        screen.Pump();
        screen.Window.Windows.Current.Key.ShouldBe("#lobby");
        view.CloseWindow("#lobby");
        screen.Pump();
        screen.Window.Windows.Current.Key.ShouldBe("@BOB1");
        string drawn = screen.Screen();
        drawn.ShouldContain("2:Bob");
        drawn.ShouldNotContain("#dev");
    }

    [Fact]
    public void Ctrl_N_and_Ctrl_P_go_to_the_next_and_previous_window_and_wrap_round()
    {
        using var screen = new TestScreen(width: 120, height: 20);
        Open(screen, Lobby, Dev);
        var seen = new List<string> { screen.Window.Windows.Current.Key };
        foreach (Key key in new[] { Key.N.WithCtrl, Key.N.WithCtrl, Key.N.WithCtrl, Key.P.WithCtrl, Key.P.WithCtrl })
        {
            screen.Press(key);
            seen.Add(screen.Window.Windows.Current.Key);
        }

        TestContext.Current.TestOutputHelper?.WriteLine(string.Join(" -> ", seen.Select(k => k.Length == 0 ? "(hub)" : k)));
        seen.ShouldBe(["#lobby", "#dev", "", "#lobby", "", "#dev"]);
    }

    [Fact]
    public void Alt_0_shows_the_tenth_window_and_a_missing_number_changes_nothing()
    {
        using var screen = new TestScreen(width: 120, height: 30);
        Open(screen, [.. Enumerable.Range(1, 10).Select(i => new WindowInfo($"#r{i}", $"#r{i}", WindowKind.Room))]);
        screen.Press(Key.D0.WithAlt);
        screen.Window.Windows.Current.Key.ShouldBe("#r9");
        screen.Press(Key.D9.WithAlt);
        screen.Window.Windows.Current.Key.ShouldBe("#r8");
        screen.Window.Windows.Show(1);
        screen.Press(Key.D0.WithAlt);
        screen.Window.Windows.Show(11).ShouldBeTrue();
        screen.Window.Windows.Show(12).ShouldBeFalse();
        screen.Window.Windows.Current.Key.ShouldBe("#r10");
    }

    [Fact]
    public void Slash_window_shows_that_window_and_a_number_without_a_window_is_one_error_line()
    {
        using var screen = new TestScreen(width: 120, height: 20);
        ScreenView view = Open(screen, Lobby, Dev);
        view.ShowWindow(3);
        screen.Pump();
        screen.Window.Windows.Current.Key.ShouldBe("#dev");
        view.ShowWindow(7);
        screen.Pump();
        screen.Window.Windows.Current.Key.ShouldBe("#dev");
        screen.Screen().ShouldContain("! there is no window 7: the windows are 1 to 3");
    }

    [Fact]
    public void A_line_typed_is_raised_with_the_key_of_the_window_shown()
    {
        using var screen = new TestScreen(width: 120, height: 20);
        Open(screen, Lobby, Bob);
        var sent = new List<(string Line, string Window)>();
        screen.Window.LineEntered += (line, _, window) => sent.Add((line, window));
        screen.Enter("in the lobby");
        screen.Press(Key.D3.WithAlt);
        screen.Enter("to Bob");
        screen.Press(Key.D1.WithAlt);
        screen.Enter("/help");
        sent.ShouldBe([("in the lobby", "#lobby"), ("to Bob", "@BOB1"), ("/help", "")]);
    }

    [Fact]
    public void The_status_bar_and_the_title_show_the_shown_window_and_a_querys_trust_word()
    {
        using var screen = new TestScreen(width: 120, height: 20, place: "SecureChat client of localhost:12345");
        ScreenView view = Open(screen, Lobby, Bob);
        view.SetStatus(new ChatStatus("secure", "52AF 00D3", "peer 127.0.0.1:12345", "Alice"));
        screen.Pump();
        string lobby = screen.Screen();
        Tmux.StatusLine(lobby).ShouldContain("2:#lobby │ secure");
        screen.Window.Title.ShouldBe("#lobby - SecureChat client of localhost:12345 - you are Alice");

        screen.Press(Key.D3.WithAlt);
        string bob = screen.Screen();
        TestContext.Current.TestOutputHelper?.WriteLine(Tmux.StatusLine(bob) + "\n" + screen.Window.Title);
        Tmux.StatusLine(bob).ShouldContain("3:Bob (verified) │ secure");
        screen.Window.Title.ShouldBe("Bob (verified) - SecureChat client of localhost:12345 - you are Alice");

        view.OpenWindow(Bob with { Title = "Robert", Trust = "new" });
        screen.Pump();
        Tmux.StatusLine(screen.Screen()).ShouldContain("3:Robert (new) │ secure");
    }

    [Fact]
    public void A_room_the_user_joins_and_a_query_the_user_opens_are_shown_but_a_query_someone_else_opens_is_not()
    {
        using var screen = new TestScreen(width: 120, height: 20);
        ScreenView view = Open(screen, Lobby);
        screen.Window.Windows.Current.Key.ShouldBe("#lobby", "the first room takes the status window's place");
        view.OpenWindow(Bob);
        screen.Pump();
        screen.Window.Windows.Current.Key.ShouldBe("#lobby");

        screen.Enter("/join #dev");
        view.OpenWindow(Dev);
        screen.Pump();
        screen.Window.Windows.Current.Key.ShouldBe("#dev");

        screen.Enter("/query Carol");
        view.OpenWindow(new WindowInfo("@CAROL", "Carol", WindowKind.Query, "CAROL", "new"));
        screen.Pump();
        screen.Window.Windows.Current.Key.ShouldBe("@CAROL");
    }

    [Fact]
    public void Tab_completes_the_rooms_of_the_open_windows_and_the_members_of_the_shown_room_listing_several_candidates()
    {
        using var screen = new TestScreen(width: 120, height: 20);
        Open(screen, Lobby, Dev, new WindowInfo("#design", "#design", WindowKind.Room));
        screen.Window.Names = key => key == "#dev" ? ["Carol", "Dave"] : ["Alice"];

        screen.Type("/part #de");
        screen.Press(Key.Tab);
        screen.Window.Input.Text.ShouldBe("/part #design ");
        string listed = screen.Screen();
        TestContext.Current.TestOutputHelper?.WriteLine(Row(listed, "matches"));
        listed.ShouldContain("-!- 2 matches, Tab for the next: #design, #dev");
        screen.Press(Key.Tab);
        screen.Window.Input.Text.ShouldBe("/part #dev ");
        screen.Window.Input.SetDraft(string.Empty);

        screen.Type("#l");
        screen.Press(Key.Tab);
        screen.Window.Input.Text.ShouldBe("#lobby ", "a room at the start of the line is not addressed like a person");
        screen.Window.Input.SetDraft(string.Empty);

        screen.Type("hi c");
        screen.Press(Key.Tab);
        screen.Window.Input.Text.ShouldBe("hi c", "Carol is not in #lobby, the room shown");
        screen.Press(Key.D3.WithAlt);
        screen.Press(Key.Tab);
        screen.Window.Input.Text.ShouldBe("hi Carol ");
    }

    [Fact]
    public void Clear_empties_only_the_window_shown_when_it_runs()
    {
        using var screen = new TestScreen(width: 120, height: 20);
        ScreenView view = Open(screen, Lobby, Dev);
        view.Show(Message("#lobby", "Alice", "kept in the lobby"));
        view.Show(Message("#dev", "Carol", "cleared in dev"));
        view.ShowWindow(3);
        view.Clear();
        screen.Pump();
        screen.Window.Windows.Find("#dev")!.Pane.Count.ShouldBe(0);
        screen.Window.Windows.Find("#lobby")!.Pane.Entries.ShouldContain(e => e.Text == "kept in the lobby");
    }
}
