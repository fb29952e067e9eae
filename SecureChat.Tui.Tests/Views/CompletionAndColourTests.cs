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

    private static IReadOnlyList<string> Commands => ChatCommands.Names(isServer: false, CommandModes.Screen);

    [Theory]
    [InlineData("/ni", 3, "/nick ", 6)]
    [InlineData("/f", 2, "/fingerprint ", 13)]
    [InlineData("bo", 2, "Bob: ", 5)]
    [InlineData("hi bo", 5, "hi Bob ", 7)]
    [InlineData("alb", 3, "Albert: ", 8)]
    [InlineData("Ali and", 3, "Alice:  and", 7)]
    public void Tab_completes_commands_at_the_start_and_names_elsewhere(string text, int caret, string expected, int expectedCaret)
    {
        Completion done = Completion.Start(text, caret, Commands, s_names).ShouldNotBeNull();
        (done.Text, done.Caret).ShouldBe((expected, expectedCaret));
        done.Candidates.Count.ShouldBe(1);
    }

    [Theory]
    [InlineData("zz", 2)]
    [InlineData("", 0)]
    [InlineData("hi ", 3)]
    [InlineData("/x", 2)]
    public void Tab_with_nothing_to_complete_changes_nothing(string text, int caret)
    {
        Completion.Start(text, caret, Commands, s_names).ShouldBeNull();
    }

    [Fact]
    public void Repeated_Tab_cycles_through_every_candidate_in_order_and_round_again_keeping_the_rest_of_the_line()
    {
        Completion first = Completion.Start("al and more", 2, Commands, ["alma", "Bob", "Alice", "Albert"]).ShouldNotBeNull();
        first.Candidates.ShouldBe(["Albert", "Alice", "alma"]);
        Completion second = first.Next();
        Completion third = second.Next();
        Completion fourth = third.Next();
        string[] seen = [.. new[] { first, second, third, fourth }.Select(c => $"{c.Text}|{c.Caret}")];
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join('\n', seen));
        seen.ShouldBe(["Albert:  and more|8", "Alice:  and more|7", "alma:  and more|6", "Albert:  and more|8"]);

        Completion commands = Completion.Start("/n", 2, Commands, s_names).ShouldNotBeNull();
        commands.Candidates.ShouldBe(["/names", "/nick"]);
        (commands.Text, commands.Next().Text).ShouldBe(("/names ", "/nick "));
    }

    [Fact]
    public void Tab_in_the_input_line_completes_a_member_name()
    {
        using var screen = new TestScreen();
        screen.Window.Names = _ => s_names;
        screen.Type("hello b");
        screen.Press(Key.Tab);
        screen.Window.Input.Text.ShouldBe("hello Bob ");
        screen.Window.Pane.Entries.ShouldNotContain(e => e.Text.Contains("matches", StringComparison.Ordinal), "one candidate: nothing to list");
    }

    [Fact]
    public void Tab_again_in_the_input_line_puts_in_the_next_name_and_the_candidates_are_listed_once()
    {
        using var screen = new TestScreen(width: 100);
        screen.Window.Names = _ => ["Alice", "Albert", "Alma", "Bob"];
        screen.Type("hello al");
        screen.Press(Key.Tab);
        screen.Window.Input.Text.ShouldBe("hello Albert ");
        screen.Press(Key.Tab);
        screen.Window.Input.Text.ShouldBe("hello Alice ");
        screen.Press(Key.Tab);
        screen.Press(Key.Tab);
        screen.Window.Input.Text.ShouldBe("hello Albert ", "round to the first again");
        string drawn = screen.Screen();
        TestContext.Current.TestOutputHelper?.WriteLine(drawn);
        drawn.ShouldContain("3 matches, Tab for the next: Albert, Alice, Alma");
        screen.Window.Pane.Entries.Count(e => e.Text.Contains("matches", StringComparison.Ordinal)).ShouldBe(1, "listed when the round starts, not on every Tab");

        // Typing ends the round: the next Tab completes the new word.
        screen.Type("and b");
        screen.Press(Key.Tab);
        screen.Window.Input.Text.ShouldBe("hello Albert and Bob ");
    }

    [Fact]
    public void A_long_candidate_list_is_named_up_to_its_limit_and_counted_beyond()
    {
        string[] names = [.. Enumerable.Range(0, 45).Select(i => $"user{i:00}")];
        string notice = ChatWindow.CandidatesNotice(names);
        notice.ShouldStartWith("45 matches, Tab for the next: user00, user01,");
        notice.ShouldEndWith($"user{ChatWindow.CandidatesShownMax - 1:00} and {45 - ChatWindow.CandidatesShownMax} more");
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
