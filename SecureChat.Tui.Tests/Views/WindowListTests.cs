using SecureChat.Tui.App;
using SecureChat.Tui.Tests.Support;
using SecureChat.Tui.Views;
using Terminal.Gui.Drawing;
using Terminal.Gui.Input;
using Attribute = Terminal.Gui.Drawing.Attribute;
using static SecureChat.Tui.Tests.Views.WindowScreen;

namespace SecureChat.Tui.Tests.Views;

/// <summary>
/// The full screen's window list on the virtual driver: the side pane or, on a narrow terminal, the tab bar, with
/// unread counts and the mention highlight, scrolled so the shown window stays listed.
/// </summary>
[Collection(TerminalGuiCollection.Name)]
public sealed class WindowListTests
{
    [Fact]
    public void The_side_list_counts_unread_messages_not_notices_and_showing_the_window_clears_the_count()
    {
        using var screen = new TestScreen(width: 120, height: 20);
        ScreenView view = Open(screen, Lobby, Dev);
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
        ScreenView view = Open(screen, Lobby);
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
        ScreenView view = Open(screen, Lobby, Dev, Bob);
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
        ScreenView view = Open(screen, Lobby, Dev);
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
        ScreenView view = Open(screen, Lobby, Dev);
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
}
