using SecureChat.Tui.App;
using SecureChat.Tui.Tests.Support;
using SecureChat.Tui.Views;
using Terminal.Gui.Input;
using Terminal.Gui.Testing;

namespace SecureChat.Tui.Tests.Views;

[Collection(TerminalGuiCollection.Name)]
public sealed class ChatWindowTests
{
    [Fact]
    public void A_long_message_wraps_onto_the_next_lines_instead_of_being_cut()
    {
        using var screen = new TestScreen(width: 40, height: 15);
        string text = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima";
        screen.Window.Pane.Append(new PaneEntry(DateTimeOffset.Now, "Bob", text, LineKind.Message));

        string drawn = screen.Screen();
        foreach (string word in text.Split(' '))
        {
            drawn.ShouldContain(word);
        }

        string[] rows = drawn.Split('\n');
        int first = Array.FindIndex(rows, r => r.Contains("<Bob> alpha", StringComparison.Ordinal));
        first.ShouldBeGreaterThanOrEqualTo(0, drawn);
        rows[first + 1].ShouldContain("      "); // continuation lines are indented under the text
        rows.Count(r => r.Contains("<Bob>", StringComparison.Ordinal)).ShouldBe(1);
        (rows[first + 1].Contains("golf", StringComparison.Ordinal) || rows[first + 1].Contains("foxtrot", StringComparison.Ordinal) || rows[first + 1].Contains("echo", StringComparison.Ordinal)).ShouldBeTrue(drawn);
    }

    [Fact]
    public void Wide_characters_wrap_by_cells()
    {
        IReadOnlyList<string> lines = LineWrapper.Wrap("你好你好你好你好你好", 10, 0);
        lines.Count.ShouldBe(2);
        lines[0].ShouldBe("你好你好你");
        lines[1].ShouldBe("好你好你好");
    }

    [Fact]
    public void Enter_raises_the_line_and_clears_the_input()
    {
        using var screen = new TestScreen();
        var lines = new List<string>();
        screen.Window.LineEntered += (line, _, _) => lines.Add(line);
        screen.Type("héllo 😀");
        screen.Press(Key.Enter);
        lines.ShouldBe(["héllo 😀"]);
        (screen.Window.Input.Text ?? string.Empty).ShouldBeEmpty();
    }

    [Fact]
    public void Up_and_down_recall_sent_lines()
    {
        using var screen = new TestScreen();
        screen.Type("first");
        screen.Press(Key.Enter);
        screen.Type("second");
        screen.Press(Key.Enter);
        screen.Type("draft");

        screen.Press(Key.CursorUp);
        screen.Window.Input.Text.ShouldBe("second");
        screen.Press(Key.CursorUp);
        screen.Window.Input.Text.ShouldBe("first");
        screen.Press(Key.CursorDown);
        screen.Window.Input.Text.ShouldBe("second");
        screen.Press(Key.CursorDown);
        screen.Window.Input.Text.ShouldBe("draft");
    }

    [Fact]
    public void Page_up_scrolls_back_and_new_messages_do_not_pull_the_view_down_until_page_down()
    {
        using var screen = new TestScreen(width: 60, height: 20);
        MessagePane pane = screen.Window.Pane;
        for (int i = 0; i < 100; i++)
        {
            pane.Append(new PaneEntry(DateTimeOffset.Now, "Bob", $"message number {i:D3}", LineKind.Message));
        }

        screen.Screen().ShouldContain("message number 099");
        screen.Press(Key.PageUp);
        pane.IsFollowing.ShouldBeFalse();
        string scrolled = screen.Screen();
        scrolled.ShouldNotContain("message number 099");
        scrolled.ShouldContain("PgDn");

        pane.Append(new PaneEntry(DateTimeOffset.Now, "Bob", "message number 100", LineKind.Message));
        string stillScrolled = screen.Screen();
        stillScrolled.ShouldNotContain("message number 100");
        RowsOf(stillScrolled, "message number").ShouldBe(RowsOf(scrolled, "message number"));

        screen.Press(Key.PageDown);
        screen.Press(Key.PageDown);
        pane.IsFollowing.ShouldBeTrue();
        screen.Screen().ShouldContain("message number 100");
    }

    [Fact]
    public void The_mouse_wheel_scrolls_the_pane()
    {
        using var screen = new TestScreen(width: 60, height: 20);
        MessagePane pane = screen.Window.Pane;
        for (int i = 0; i < 100; i++)
        {
            pane.Append(new PaneEntry(DateTimeOffset.Now, "Bob", $"message number {i:D3}", LineKind.Message));
        }

        screen.Screen();
        screen.App.InjectMouse(new Mouse { Flags = MouseFlags.WheeledUp, ScreenPosition = new System.Drawing.Point(10, 5) });
        pane.IsFollowing.ShouldBeFalse();
        screen.App.InjectMouse(new Mouse { Flags = MouseFlags.WheeledDown, ScreenPosition = new System.Drawing.Point(10, 5) });
        pane.IsFollowing.ShouldBeTrue();
    }

    [Fact]
    public void History_is_bounded()
    {
        using var screen = new TestScreen(paneCapacity: 50);
        for (int i = 0; i < 500; i++)
        {
            screen.Window.Pane.Append(new PaneEntry(DateTimeOffset.Now, "Bob", $"m{i}", LineKind.Message));
        }

        screen.Window.Pane.Count.ShouldBe(50);
        screen.Window.Pane.Entries.First().Text.ShouldBe("m450");
    }

    private static string[] RowsOf(string screen, string marker) =>
        [.. System.Text.RegularExpressions.Regex.Matches(screen, marker + @" \d+").Select(m => m.Value)];
}


[Collection(TerminalGuiCollection.Name)]
public sealed class NarrowScreenTests
{
    private const string Key = "52AF 00D3 F7B2 AAE5 E876 1E71 5910 1789";

    [Theory]
    [InlineData(80, 24)]
    [InlineData(40, 10)]
    [InlineData(120, 30)]
    public void The_quit_hint_always_stays_and_long_fields_shrink_with_an_ellipsis(int width, int height)
    {
        using var screen = new TestScreen(width, height);
        screen.Window.SetStatus(new ChatStatus("exchanging keys", Key, "peer 127.0.0.1:12345", "Bob"));
        string drawn = screen.Screen();
        string status = drawn.Split('\n').Single(l => l.Contains("F10", StringComparison.Ordinal));
        status.ShouldContain("Quit", customMessage: drawn);
        status.ShouldContain(width >= 80 ? "exchanging keys" : "exchanging", customMessage: drawn);
        status.ShouldContain("F10  Quit", customMessage: drawn);
        if (width >= 120)
        {
            status.ShouldContain("key " + Key);
        }
        else
        {
            status.ShouldContain("…", customMessage: drawn);
        }
    }

    [Fact]
    public void The_trust_word_goes_with_the_identity_fingerprint_not_with_the_session_key()
    {
        using var screen = new TestScreen(200, 10);
        screen.Window.SetStatus(new ChatStatus("secure", Key, "peer 127.0.0.1:12345", "Bob", Trust: "new", Identity: "FD69 2483 53B2 D6E0 0BD1 BC43 0E30 960B"));
        string status = screen.Screen().Split('\n').Single(l => l.Contains("F10", StringComparison.Ordinal));
        status.ShouldContain($"│ key {Key} │ new identity FD69 2483 53B2 D6E0 0BD1 BC43 0E30 960B │ peer 127.0.0.1:12345 │");
    }

    [Theory]
    [InlineData(14)]
    [InlineData(16)]
    [InlineData(20)]
    [InlineData(24)]
    [InlineData(30)]
    public void On_a_very_narrow_screen_fields_give_way_whole_and_F10_Quit_stays(int width)
    {
        using var screen = new TestScreen(width, 8);
        screen.Window.SetStatus(new ChatStatus("exchanging keys", Key, "peer 127.0.0.1:12345", "Bob"));
        string drawn = screen.Screen();
        string status = drawn.Split('\n').Single(l => l.Contains("F1", StringComparison.Ordinal));
        status.ShouldContain("F10  Quit", customMessage: drawn);
    }
}

public sealed class GroupWrapTests
{
    private const string Secured = "03:38 * secure connection with 127.0.0.1:38886; key fingerprint E06E 37F1 7C2E 678D 5BCF 0B3F A3F7 BD33, SAS 361 403 486 327 (/fingerprint explains how to check it)";

    [Theory]
    [InlineData(118)]
    [InlineData(100)]
    [InlineData(90)]
    [InlineData(80)]
    [InlineData(60)]
    [InlineData(50)]
    public void A_fingerprint_and_a_SAS_wrap_between_their_groups_never_inside_them(int width)
    {
        IReadOnlyList<string> lines = LineWrapper.Wrap(Secured, width, 6);
        string all = string.Join('\n', lines);
        all.ShouldContain("E06E 37F1 7C2E 678D 5BCF 0B3F A3F7 BD33", customMessage: all);
        all.ShouldContain("SAS 361 403 486 327", customMessage: all);
        lines.ShouldAllBe(l => l.Length <= width);
    }

    [Fact]
    public void A_fingerprint_wider_than_the_screen_breaks_between_groups()
    {
        IReadOnlyList<string> lines = LineWrapper.Wrap("key E06E 37F1 7C2E 678D 5BCF 0B3F A3F7 BD33", 20, 0);
        lines.ShouldAllBe(l => l.Length <= 20);
        lines.SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ShouldBe(["key", "E06E", "37F1", "7C2E", "678D", "5BCF", "0B3F", "A3F7", "BD33"]);
    }
}
