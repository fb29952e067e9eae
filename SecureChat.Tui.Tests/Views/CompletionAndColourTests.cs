using SecureChat.Tui.App;
using SecureChat.Tui.Tests.Support;
using SecureChat.Tui.Views;
using Terminal.Gui.Drawing;
using Terminal.Gui.Input;

namespace SecureChat.Tui.Tests.Views;

/// <summary>Tab completion, colours per name, the date line, the scrollback notice and the history, as users of chat clients expect them.</summary>
[Collection(TerminalGuiCollection.Name)]
public sealed class CompletionAndColourTests
{
    private static readonly string[] s_names = ["Alice", "Albert", "Bob"];

    [Theory]
    [InlineData("/ni", 3, "/nick ", 6)]
    [InlineData("/f", 2, "/fingerprint ", 13)]
    [InlineData("bo", 2, "Bob: ", 5)]
    [InlineData("hi bo", 5, "hi Bob ", 7)]
    [InlineData("alb", 3, "Albert: ", 8)]
    [InlineData("Ali and", 3, "Alice:  and", 7)]
    public void Tab_completes_commands_at_the_start_and_names_elsewhere(string text, int caret, string expected, int expectedCaret)
    {
        (string Text, int Caret)? done = Completion.Complete(text, caret, ChatCommands.Names(isServer: false, CommandModes.Screen), s_names);
        done.ShouldBe((expected, expectedCaret));
    }

    [Theory]
    [InlineData("zz", 2)]
    [InlineData("", 0)]
    [InlineData("hi ", 3)]
    [InlineData("/a", 2)]
    [InlineData("al", 2)]
    public void Tab_with_nothing_to_complete_changes_nothing(string text, int caret)
    {
        Completion.Complete(text, caret, ChatCommands.Names(isServer: false, CommandModes.Screen), s_names).ShouldBeNull();
    }

    [Fact]
    public void Tab_in_the_input_line_completes_a_member_name()
    {
        using var screen = new TestScreen();
        screen.Window.Names = () => s_names;
        screen.Type("hello b");
        screen.Press(Key.Tab);
        screen.Window.Input.Text.ShouldBe("hello Bob ");
    }

    [Fact]
    public void Each_name_has_a_stable_colour_from_a_palette_that_leaves_out_own_notice_and_error_colours()
    {
        NameColours.For("Alice").ShouldBe(NameColours.For("Alice"));
        NameColours.Palette.ShouldNotContain(NameColours.Own);
        NameColours.Palette.ShouldNotContain(NameColours.Error);
        string[] names = [.. Enumerable.Range(0, 60).Select(i => $"user{i}")];
        names.Select(NameColours.For).Distinct().Count().ShouldBe(NameColours.Palette.Count, "names spread over the whole palette");
        NameColours.For("Bob").ShouldBe(ColorName16.Green, "FNV-1a of the name: the same in every run and on every machine");
    }

    [Fact]
    public void A_date_line_is_added_when_the_day_changes()
    {
        using var screen = new TestScreen(width: 60, height: 12);
        var monday = new DateTimeOffset(2026, 11, 23, 23, 59, 0, TimeSpan.Zero).ToLocalTime();
        screen.Window.Pane.Append(new PaneEntry(monday, "Bob", "late", LineKind.Message));
        screen.Window.Pane.Append(new PaneEntry(monday.AddMinutes(2), "Bob", "early", LineKind.Message));
        screen.Window.Pane.Append(new PaneEntry(monday.AddMinutes(3), "Bob", "same day", LineKind.Message));
        string drawn = screen.Screen();
        drawn.ShouldContain($"--- {monday.AddMinutes(2):dddd d MMMM yyyy} ---");
        screen.Window.Pane.Count.ShouldBe(4, "one date line, for the one change of day");
    }

    [Fact]
    public void Dropping_old_lines_is_said_once()
    {
        using var screen = new TestScreen(paneCapacity: 20);
        int Notices() => screen.Window.Pane.Entries.Count(e => e.Text.StartsWith("older lines are dropped", StringComparison.Ordinal));
        for (int i = 0; i < 21; i++)
        {
            screen.Window.Pane.Append(new PaneEntry(DateTimeOffset.Now, "Bob", $"m{i}", LineKind.Message));
        }

        Notices().ShouldBe(1, "said when the first line is dropped");
        for (int i = 21; i < 60; i++)
        {
            screen.Window.Pane.Append(new PaneEntry(DateTimeOffset.Now, "Bob", $"m{i}", LineKind.Message));
        }

        screen.Window.Pane.Count.ShouldBe(20);
        Notices().ShouldBe(0, "said once, not again for every dropped line");
    }

    [Fact]
    public void An_action_reads_as_star_name_action()
    {
        new PaneEntry(DateTimeOffset.Now, "Bob", "/me waves", LineKind.Message).Format().ShouldEndWith(" * <Bob> waves");
    }

    [Fact]
    public void History_keeps_what_was_sent_and_the_draft()
    {
        var history = new InputHistory(capacity: 3);
        foreach (string line in new[] { "one", "two", "two", "three", "four" })
        {
            history.Add(line);
        }

        history.Previous("draft").ShouldBe("four");
        history.Previous("four").ShouldBe("three");
        history.Previous("three").ShouldBe("two");
        history.Previous("two").ShouldBeNull("bounded to 3, and a repeated line is kept once");
        history.Next().ShouldBe("three");
        history.Next().ShouldBe("four");
        history.Next().ShouldBe("draft");
        history.Next().ShouldBeNull();
    }
}
