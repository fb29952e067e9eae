using SecureChat.Tui.Tests.Support;
using SecureChat.Tui.Views;
using Terminal.Gui.Input;

namespace SecureChat.Tui.Tests.Views;

/// <summary>The readline keys beyond moving: cutting and yanking back, word deletes, and Ctrl+R search of what one sent.</summary>
[Collection(TerminalGuiCollection.Name)]
public sealed class ReadlineKeyTests
{
    [Fact]
    public void Ctrl_Y_yanks_what_Ctrl_W_Ctrl_U_or_Ctrl_K_cut_and_cuts_in_a_row_are_yanked_together()
    {
        using var screen = new TestScreen();
        ChatInput input = screen.Window.Input;
        screen.Type("alpha beta gamma");
        screen.Press(Key.W.WithCtrl);
        screen.Press(Key.W.WithCtrl);
        input.Text.ShouldBe("alpha ");
        screen.Press(Key.A.WithCtrl);
        screen.Press(Key.Y.WithCtrl);
        input.Text.ShouldBe("beta gammaalpha ", "two Ctrl+W in a row cut 'beta gamma' as one");
        input.CharIndex.ShouldBe(10);

        screen.Press(Key.K.WithCtrl);
        input.Text.ShouldBe("beta gamma");
        screen.Press(Key.A.WithCtrl);
        screen.Press(Key.Y.WithCtrl);
        input.Text.ShouldBe("alpha beta gamma");

        screen.Press(Key.U.WithCtrl);
        input.Text.ShouldBe("beta gamma");
        screen.Press(Key.E.WithCtrl);
        screen.Type(" ");
        screen.Press(Key.Y.WithCtrl);
        screen.Press(Key.Y.WithCtrl);
        input.Text.ShouldBe("beta gamma alpha alpha ", "a yank leaves the cut text for the next one");
    }

    [Fact]
    public void Alt_D_deletes_the_word_after_the_cursor_and_Alt_Backspace_the_word_before_and_both_can_be_yanked()
    {
        using var screen = new TestScreen();
        ChatInput input = screen.Window.Input;
        screen.Type("one two three four");
        screen.Press(Key.A.WithCtrl);
        screen.Press(Key.D.WithAlt);
        input.Text.ShouldBe(" two three four");
        input.CharIndex.ShouldBe(0);
        screen.Press(Key.D.WithAlt);
        input.Text.ShouldBe(" three four", "Alt+D skips the space, then deletes the word");
        screen.Press(Key.Y.WithCtrl);
        input.Text.ShouldBe("one two three four", "two Alt+D in a row are one cut");

        screen.Press(Key.E.WithCtrl);
        screen.Press(Key.Backspace.WithAlt);
        input.Text.ShouldBe("one two three ");
        screen.Press(Key.Backspace.WithAlt);
        input.Text.ShouldBe("one two ");
        screen.Press(Key.A.WithCtrl);
        screen.Press(Key.Y.WithCtrl);
        input.Text.ShouldBe("three fourone two ");
    }

    [Fact]
    public void Ctrl_R_finds_earlier_lines_newest_first_shows_the_match_and_Enter_puts_it_in_the_line_without_sending()
    {
        using var screen = new TestScreen(width: 100);
        var sent = new List<string>();
        screen.Window.LineEntered += (line, _, _) => sent.Add(line);
        foreach (string line in new[] { "hello alice", "bob here", "Hello bob" })
        {
            screen.Type(line);
            screen.Press(Key.Enter);
        }

        ChatInput input = screen.Window.Input;
        screen.Type("draft");
        screen.Press(Key.R.WithCtrl);
        screen.Screen().ShouldContain("(search ``)");
        input.Text.ShouldBe("draft", "nothing typed yet: the draft stays");
        screen.Type("hel");
        input.Text.ShouldBe("Hello bob");
        string shown = screen.Screen();
        TestContext.Current.TestOutputHelper?.WriteLine(shown);
        shown.ShouldContain("(search `hel`) Hello bob");
        screen.Press(Key.R.WithCtrl);
        input.Text.ShouldBe("hello alice", "Ctrl+R again: the next older match");
        input.CharIndex.ShouldBe(0, "the cursor is on the match");
        screen.Press(Key.R.WithCtrl);
        input.Text.ShouldBe("hello alice", "no older match: the last one stays");
        screen.Screen().ShouldContain("(failed search `hel`)");
        screen.Press(Key.Backspace);
        screen.Screen().ShouldContain("(search `he`) Hello bob", Case.Sensitive, "a shorter text searches again from the newest line");
        screen.Type("llo a");
        input.Text.ShouldBe("hello alice");

        screen.Press(Key.Enter);
        sent.Count.ShouldBe(3, "Enter takes the match into the line; it does not send it");
        input.Text.ShouldBe("hello alice");
        screen.Screen().ShouldNotContain("search `");
        screen.Press(Key.E.WithCtrl);
        screen.Type("!");
        screen.Press(Key.Enter);
        sent[^1].ShouldBe("hello alice!");
    }

    [Theory]
    [InlineData("esc")]
    [InlineData("ctrl+g")]
    public void Esc_or_Ctrl_G_cancels_a_search_and_gives_back_the_draft(string cancel)
    {
        using var screen = new TestScreen(width: 100);
        screen.Type("an old line");
        screen.Press(Key.Enter);
        ChatInput input = screen.Window.Input;
        screen.Type("my draft");
        screen.Press(Key.B.WithAlt);
        screen.Press(Key.R.WithCtrl);
        screen.Type("old");
        input.Text.ShouldBe("an old line");
        screen.Press(cancel == "esc" ? Key.Esc : Key.G.WithCtrl);
        input.Text.ShouldBe("my draft");
        input.CharIndex.ShouldBe(3, "the cursor where it was");
        screen.Screen().ShouldNotContain("search `");
        screen.Type("x");
        input.Text.ShouldBe("my xdraft", "typing edits the line again");
    }

    [Fact]
    public void Another_key_during_a_search_takes_the_match_and_then_does_what_it_does()
    {
        using var screen = new TestScreen(width: 100);
        screen.Type("first words");
        screen.Press(Key.Enter);
        ChatInput input = screen.Window.Input;
        screen.Press(Key.R.WithCtrl);
        screen.Type("wor");
        input.Text.ShouldBe("first words");
        screen.Press(Key.E.WithCtrl);
        screen.Type("!");
        input.Text.ShouldBe("first words!");
    }
}
