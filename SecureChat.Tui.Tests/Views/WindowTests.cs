using SecureChat.Tui.App;
using SecureChat.Tui.Tests.Support;
using SecureChat.Tui.Views;
using Terminal.Gui.Drawing;
using Terminal.Gui.Input;
using Attribute = Terminal.Gui.Drawing.Attribute;

namespace SecureChat.Tui.Tests.Views;

/// <summary>
/// The full screen's windows on the virtual driver, fed through <see cref="ScreenView"/> as the model feeds it: one
/// scrollback per window, the window list (side pane or tab bar) with unread counts and the mention highlight, and
/// the keys and <c>/window N</c> that switch.
/// </summary>
[Collection(TerminalGuiCollection.Name)]
public sealed class WindowTests
{
    private static readonly WindowInfo s_lobby = new("#lobby", "#lobby", WindowKind.Room);
    private static readonly WindowInfo s_dev = new("#dev", "#dev", WindowKind.Room);
    private static readonly WindowInfo s_bob = new("@BOB1", "Bob", WindowKind.Query, "BOB1", "verified");

    private static ChatLine Message(string window, string sender, string text, bool mention = false) =>
        new ChatLine(LineKind.Message, text, sender, DateTimeOffset.Now) with { Window = window, Mention = mention };

    private static ChatLine Notice(string window, string text) => ChatLine.Notice(text) with { Window = window };

    private static ScreenView Open(TestScreen screen, params WindowInfo[] windows)
    {
        var view = new ScreenView(screen.Window, screen.Post, () => { });
        foreach (WindowInfo window in windows)
        {
            view.OpenWindow(window);
        }

        screen.Pump();
        return view;
    }

    private static string Row(string screen, string mark) =>
        screen.Split('\n').FirstOrDefault(r => r.Contains(mark, StringComparison.Ordinal)) ?? throw new ShouldAssertException($"no row with '{mark}' in:\n{screen}");

    [Fact]
    public void Each_window_keeps_its_own_lines_and_only_the_shown_windows_lines_are_on_the_screen()
    {
        using var screen = new TestScreen(width: 120, height: 20);
        ScreenView view = Open(screen, s_lobby, s_dev);
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
        ScreenView view = Open(screen, s_lobby, s_dev, s_bob);
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
        Open(screen, s_lobby, s_dev);
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
        ScreenView view = Open(screen, s_lobby, s_dev);
        view.ShowWindow(3);
        screen.Pump();
        screen.Window.Windows.Current.Key.ShouldBe("#dev");
        view.ShowWindow(7);
        screen.Pump();
        screen.Window.Windows.Current.Key.ShouldBe("#dev");
        screen.Screen().ShouldContain("! there is no window 7: the windows are 1 to 3");
    }

    [Fact]
    public void The_side_list_counts_unread_messages_not_notices_and_showing_the_window_clears_the_count()
    {
        using var screen = new TestScreen(width: 120, height: 20);
        ScreenView view = Open(screen, s_lobby, s_dev);
        view.Show(Message("#dev", "Carol", "one"));
        view.Show(Message("#dev", "Carol", "two"));
        view.Show(Notice("#dev", "Dave joined #dev"));
        view.Show(Message("#lobby", "Alice", "seen at once"));
        screen.Pump();

        string before = screen.Screen();
        TestContext.Current.TestOutputHelper?.WriteLine(before);
        Row(before, "3:#dev").ShouldContain("3:#dev 2 ");
        Row(before, "2:#lobby").ShouldNotContain("2:#lobby 1");
        Row(before, "3:#dev").IndexOf("3:#dev", StringComparison.Ordinal).ShouldBe(1, "the side pane is on the left, inside the border");

        screen.Press(Key.D3.WithAlt);
        Row(screen.Screen(), "3:#dev").ShouldNotContain("3:#dev 2");
    }

    [Fact]
    public void A_message_that_names_the_user_is_drawn_in_the_mention_colour_and_bold_in_the_pane()
    {
        using var screen = new TestScreen(width: 120, height: 20);
        ScreenView view = Open(screen, s_lobby);
        view.Show(Message("#lobby", "Carol", "plain words"));
        view.Show(Message("#lobby", "Dave", "alice, look here", mention: true));
        screen.Pump();
        screen.Screen();

        Attribute plain = AttributeAt(screen, "plain words");
        Attribute named = AttributeAt(screen, "look here");
        TestContext.Current.TestOutputHelper?.WriteLine($"plain: {plain}; mention: {named}");
        named.Foreground.ShouldBe(new Color(WindowList.MentionColour));
        named.Style.HasFlag(TextStyle.Bold).ShouldBeTrue();
        plain.Foreground.ShouldNotBe(new Color(WindowList.MentionColour));
    }

    [Fact]
    public void A_mention_highlights_the_windows_entry_in_its_own_colour_until_the_window_is_shown()
    {
        using var screen = new TestScreen(width: 120, height: 20);
        ScreenView view = Open(screen, s_lobby, s_dev, s_bob);
        view.Show(Message("#dev", "Carol", "plain"));
        view.Show(Message("@BOB1", "Bob", "hi you", mention: true));
        screen.Pump();
        screen.Screen();

        Attribute dev = AttributeAt(screen, "3:#dev");
        Attribute bob = AttributeAt(screen, "4:Bob");
        TestContext.Current.TestOutputHelper?.WriteLine($"unread entry: {dev}; mentioned entry: {bob}");
        bob.Foreground.ShouldBe(new Color(WindowList.MentionColour));
        bob.Style.HasFlag(TextStyle.Underline).ShouldBeTrue();
        dev.Foreground.ShouldNotBe(new Color(WindowList.MentionColour));
        dev.Style.HasFlag(TextStyle.Bold).ShouldBeTrue("a window with unread messages is bold");

        view.Show(Message("@BOB1", "Bob", "more, no mention"));
        screen.Pump();
        screen.Screen();
        AttributeAt(screen, "4:Bob").Style.HasFlag(TextStyle.Underline).ShouldBeTrue("the highlight stays until the window is shown");

        screen.Press(Key.D4.WithAlt);
        screen.Press(Key.D2.WithAlt);
        screen.Screen();
        Attribute after = AttributeAt(screen, "4:Bob");
        after.Style.HasFlag(TextStyle.Underline).ShouldBeFalse();
        after.Foreground.ShouldNotBe(new Color(WindowList.MentionColour));
    }

    [Fact]
    public void A_narrow_terminal_gets_a_tab_bar_above_the_input_and_resizing_switches_between_the_layouts()
    {
        using var screen = new TestScreen(width: 80, height: 20);
        ScreenView view = Open(screen, s_lobby, s_dev);
        view.Show(Message("#dev", "Carol", "unread"));
        view.Show(Message("#lobby", "Alice", "a line in the lobby"));
        screen.Pump();

        string narrow = screen.Screen();
        TestContext.Current.TestOutputHelper?.WriteLine(narrow);
        string[] rows = narrow.Split('\n');
        int bar = Array.FindIndex(rows, r => r.Contains("1:(hub) 2:#lobby 3:#dev 1", StringComparison.Ordinal));
        bar.ShouldBeGreaterThan(0, narrow);
        rows[bar + 1].ShouldContain(HistorySearch.Prompt.Trim(), customMessage: "the tab bar is right above the input line");
        Row(narrow, "<Alice> a line in the lobby").ShouldStartWith("│");
        Row(narrow, "<Alice> a line in the lobby").ShouldNotContain("(hub)");
        screen.Window.SideList.ShouldBeFalse();

        screen.App.Driver!.SetScreenSize(120, 20);
        string wide = screen.Screen();
        TestContext.Current.TestOutputHelper?.WriteLine(wide);
        screen.Window.SideList.ShouldBeTrue();
        Row(wide, "1:(hub)").ShouldNotContain("2:#lobby");
        Row(wide, "<Alice> a line in the lobby").ShouldContain("│");
        Row(wide, "<Alice> a line in the lobby").IndexOf("<Alice>", StringComparison.Ordinal).ShouldBeGreaterThan(WindowList.SideWidth);

        screen.App.Driver!.SetScreenSize(80, 20);
        screen.Screen().ShouldContain("1:(hub) 2:#lobby 3:#dev 1");
        screen.Window.SideList.ShouldBeFalse();
    }

    [Fact]
    public void A_line_typed_is_raised_with_the_key_of_the_window_shown()
    {
        using var screen = new TestScreen(width: 120, height: 20);
        Open(screen, s_lobby, s_bob);
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
        ScreenView view = Open(screen, s_lobby, s_bob);
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

        view.OpenWindow(s_bob with { Title = "Robert", Trust = "new" });
        screen.Pump();
        Tmux.StatusLine(screen.Screen()).ShouldContain("3:Robert (new) │ secure");
    }

    [Fact]
    public void A_room_the_user_joins_and_a_query_the_user_opens_are_shown_but_a_query_someone_else_opens_is_not()
    {
        using var screen = new TestScreen(width: 120, height: 20);
        ScreenView view = Open(screen, s_lobby);
        screen.Window.Windows.Current.Key.ShouldBe("#lobby", "the first room takes the status window's place");
        view.OpenWindow(s_bob);
        screen.Pump();
        screen.Window.Windows.Current.Key.ShouldBe("#lobby");

        screen.Enter("/join #dev");
        view.OpenWindow(s_dev);
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
        Open(screen, s_lobby, s_dev, new WindowInfo("#design", "#design", WindowKind.Room));
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
    public void With_more_windows_than_fit_the_tab_bar_and_the_side_pane_scroll_so_the_shown_window_is_listed()
    {
        using var screen = new TestScreen(width: 60, height: 12);
        ScreenView view = Open(screen, [.. Enumerable.Range(1, 14).Select(i => new WindowInfo($"#room{i}", $"#room{i}", WindowKind.Room))]);
        view.ShowWindow(15);
        screen.Pump();
        string narrow = screen.Screen();
        TestContext.Current.TestOutputHelper?.WriteLine(narrow);
        Row(narrow, "15:#room14").ShouldNotContain("1:(hub)");

        view.ShowWindow(1);
        screen.Pump();
        Row(screen.Screen(), "1:(hub)").ShouldNotContain("15:#room14");

        screen.App.Driver!.SetScreenSize(110, 12);
        view.ShowWindow(15);
        screen.Pump();
        string wide = screen.Screen();
        TestContext.Current.TestOutputHelper?.WriteLine(wide);
        wide.ShouldContain("15:#room14");
        wide.ShouldNotContain("1:(hub)");
    }

    [Fact]
    public void Without_colour_a_mention_is_still_told_apart_by_its_style()
    {
        using var screen = new TestScreen(width: 120, height: 20);
        ScreenView view = Open(screen, s_lobby, s_dev);
        screen.Window.Windows.Current.Key.ShouldBe("#lobby");
        foreach (Terminal.Gui.ViewBase.View list in screen.Window.SubViews.Where(v => v is WindowList))
        {
            ((WindowList)list).Colour = false;
        }

        view.Show(Message("#dev", "Carol", "hey Alice", mention: true));
        screen.Pump();
        screen.Screen();
        Attribute dev = AttributeAt(screen, "3:#dev");
        Attribute hub = AttributeAt(screen, "1:(hub)");
        TestContext.Current.TestOutputHelper?.WriteLine($"mentioned: {dev}; plain: {hub}");
        dev.Foreground.ShouldBe(hub.Foreground);
        dev.Style.ShouldBe(TextStyle.Bold | TextStyle.Underline);
        hub.Style.ShouldBe(TextStyle.None);
    }

    [Fact]
    public void Clear_empties_only_the_window_shown_when_it_runs()
    {
        using var screen = new TestScreen(width: 120, height: 20);
        ScreenView view = Open(screen, s_lobby, s_dev);
        view.Show(Message("#lobby", "Alice", "kept in the lobby"));
        view.Show(Message("#dev", "Carol", "cleared in dev"));
        view.ShowWindow(3);
        view.Clear();
        screen.Pump();
        screen.Window.Windows.Find("#dev")!.Pane.Count.ShouldBe(0);
        screen.Window.Windows.Find("#lobby")!.Pane.Entries.ShouldContain(e => e.Text == "kept in the lobby");
    }

    private static Attribute AttributeAt(TestScreen screen, string mark)
    {
        string[] rows = screen.App.Driver!.ToString()!.Split('\n');
        int row = Array.FindIndex(rows, r => r.Contains(mark, StringComparison.Ordinal));
        row.ShouldBeGreaterThanOrEqualTo(0);
        int column = rows[row].IndexOf(mark, StringComparison.Ordinal);
        return screen.App.Driver!.Contents![row, column].Attribute!.Value;
    }
}
