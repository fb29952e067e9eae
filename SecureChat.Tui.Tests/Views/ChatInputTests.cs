using SecureChat.Tui.App;
using SecureChat.Tui.Tests.Support;
using SecureChat.Tui.Views;
using Terminal.Gui.Input;

namespace SecureChat.Tui.Tests.Views;

/// <summary>The input line: pastes in both modes, newlines, the confirmation for long pastes, and the readline keys.</summary>
[Collection(TerminalGuiCollection.Name)]
public sealed class ChatInputTests
{
    [Fact]
    public void A_paste_of_sixteen_thousand_characters_as_keys_arrives_whole_in_the_input()
    {
        using var screen = new TestScreen();
        string text = string.Concat(Enumerable.Range(0, 1600).Select(i => $"{i % 10}bcdefghi "));
        text.Length.ShouldBe(16_000);

        screen.PasteAsKeys(text);

        screen.Window.Input.Draft.ShouldBe(text);
        screen.Window.Input.Text.ShouldBe(text);
        screen.Screen().ShouldContain("F10");
    }

    [Fact]
    public void A_multi_line_paste_as_keys_is_one_draft_not_a_line_per_message_and_runs_no_command()
    {
        using var screen = new TestScreen();
        var sent = new List<(string Line, bool Pasted)>();
        screen.Window.LineEntered += (line, pasted, _) => sent.Add((line, pasted));

        screen.PasteAsKeys("first line\nexit\n/nick Mallory\n");

        sent.ShouldBeEmpty("nothing is sent before the user presses Enter");
        screen.Window.Input.Draft.ShouldBe("first line\nexit\n/nick Mallory\n");
        screen.Window.Input.Text.ShouldBe("first line↵exit↵/nick Mallory↵");
        screen.Press(Key.Enter);
        sent.ShouldBe([("first line\nexit\n/nick Mallory\n", true)]);
        ChatCommand.Parse(sent[0].Line).ShouldBe(new ChatCommand.Send("first line\nexit\n/nick Mallory"));
    }

    [Theory]
    [InlineData("ok\n", "ok")]
    [InlineData("/me waves\n", "/me waves")]
    public void Typed_keys_and_one_trailing_Enter_in_the_same_burst_send_the_line(string burst, string line)
    {
        using var screen = new TestScreen();
        var sent = new List<(string Line, bool Pasted)>();
        screen.Window.LineEntered += (l, pasted, _) => sent.Add((l, pasted));

        screen.PasteAsKeys(burst);

        sent.ShouldBe([(line, false)]);
        (screen.Window.Input.Text ?? string.Empty).ShouldBeEmpty();
    }

    [Fact]
    public void A_burst_of_two_lines_is_a_paste_even_when_each_ends_with_Enter()
    {
        using var screen = new TestScreen();
        var sent = new List<string>();
        screen.Window.LineEntered += (l, _, _) => sent.Add(l);

        screen.PasteAsKeys("one\ntwo\n");

        sent.ShouldBeEmpty();
        screen.Window.Input.Draft.ShouldBe("one\ntwo\n");
        screen.Window.Input.HasPaste.ShouldBeTrue();
    }

    [Fact]
    public void Keys_in_the_same_burst_as_a_bracketed_paste_stay_pasted_text()
    {
        // What a terminal that does not filter the end marker out of pasted text sends for "harmless text ESC[201~ CR exit CR".
        using var screen = new TestScreen();
        var sent = new List<(string Line, bool Pasted)>();
        screen.Window.LineEntered += (l, pasted, _) => sent.Add((l, pasted));

        screen.App.RaisePasteEvent("harmless text");
        screen.PasteAsKeys("\nexit\n");

        sent.ShouldBeEmpty("nothing pasted is sent before the user presses Enter");
        screen.Window.Input.Draft.ShouldBe("harmless text\nexit\n");
        screen.Press(Key.Enter);
        sent.ShouldBe([("harmless text\nexit\n", true)]);
        ChatCommand.Parse(sent[0].Line).ShouldBe(new ChatCommand.Send("harmless text\nexit"));
    }

    [Fact]
    public void A_bracketed_paste_keeps_every_line()
    {
        using var screen = new TestScreen();
        string pasted = string.Join("\r\n", Enumerable.Range(1, 40).Select(i => $"line {i} of the paste"));
        screen.App.RaisePasteEvent(pasted);
        screen.Iterate();
        screen.Window.Input.Draft.ShouldBe(pasted.Replace("\r\n", "\n"));
        screen.Window.Input.HasPaste.ShouldBeTrue();
    }

    [Fact]
    public void A_draft_of_more_than_three_lines_asks_for_a_second_Enter_and_any_edit_cancels_the_question()
    {
        using var screen = new TestScreen();
        var sent = new List<string>();
        screen.Window.LineEntered += (line, _, _) => sent.Add(line);
        screen.Paste("a\nb\nc\nd");

        screen.Press(Key.Enter);
        sent.ShouldBeEmpty();
        screen.Screen().ShouldContain("this message has 4 lines: press Enter again");
        screen.Type("e");
        screen.Press(Key.Enter);
        sent.ShouldBeEmpty("an edit cancels the confirmation");
        screen.Press(Key.Enter);
        sent.ShouldBe(["a\nb\nc\nde"]);

        screen.Paste("one\ntwo\nthree");
        screen.Press(Key.Enter);
        sent[^1].ShouldBe("one\ntwo\nthree", "three lines need no confirmation");
    }

    [Fact]
    public void Typing_then_Enter_sends_at_once_and_Ctrl_J_or_Alt_Enter_insert_a_newline()
    {
        using var screen = new TestScreen();
        var sent = new List<(string Line, bool Pasted)>();
        screen.Window.LineEntered += (line, pasted, _) => sent.Add((line, pasted));
        screen.Type("hi");
        screen.Press(Key.J.WithCtrl);
        screen.Type("there");
        screen.Press(Key.Enter.WithAlt);
        screen.Type("you");
        screen.Press(Key.Enter);
        sent.ShouldBe([("hi\nthere\nyou", false)]);
        (screen.Window.Input.Text ?? string.Empty).ShouldBeEmpty();
    }

    [Fact]
    public void Readline_keys_move_and_delete_and_Ctrl_A_does_not_select_all()
    {
        using var screen = new TestScreen();
        ChatInput input = screen.Window.Input;
        screen.Type("alpha beta gamma");
        screen.Press(Key.A.WithCtrl);
        input.CharIndex.ShouldBe(0);
        input.SelectedLength.ShouldBe(0);
        screen.Press(Key.F.WithAlt);
        input.CharIndex.ShouldBe(5);
        screen.Press(Key.E.WithCtrl);
        input.CharIndex.ShouldBe(16);
        screen.Press(Key.B.WithAlt);
        input.CharIndex.ShouldBe(11);
        screen.Press(Key.W.WithCtrl);
        input.Text.ShouldBe("alpha gamma");
        input.CharIndex.ShouldBe(6);
        screen.Press(Key.K.WithCtrl);
        input.Text.ShouldBe("alpha ");
        screen.Press(Key.CursorLeft);
        screen.Press(Key.U.WithCtrl);
        input.Text.ShouldBe(" ");
        input.CharIndex.ShouldBe(0);
    }

    [Fact]
    public void Ctrl_C_quits_like_F10()
    {
        using var screen = new TestScreen();
        int quits = 0;
        screen.Window.Input.QuitRequested += () => quits++;
        screen.Type("secret draft");
        screen.Press(Key.C.WithCtrl);
        quits.ShouldBe(1);
    }

    [Fact]
    public void Sending_clears_the_undo_history()
    {
        using var screen = new TestScreen();
        screen.Type("first message");
        screen.Press(Key.Enter);
        screen.Press(Key.Z.WithCtrl);
        (screen.Window.Input.Text ?? string.Empty).ShouldBeEmpty("undo after a send has nothing to bring back");
    }

    [Fact]
    public void A_multi_line_message_is_shown_on_lines_of_its_own()
    {
        using var screen = new TestScreen(width: 60, height: 15);
        screen.Window.Pane.Append(new PaneEntry(DateTimeOffset.Now, "Bob", "roses are red\nviolets are blue", LineKind.Message));
        string[] rows = screen.Screen().Split('\n');
        int first = Array.FindIndex(rows, r => r.Contains("<Bob> roses are red", StringComparison.Ordinal));
        first.ShouldBeGreaterThanOrEqualTo(0);
        rows[first + 1].ShouldContain("      violets are blue");
    }
}
