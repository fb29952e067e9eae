using SecureChat.Tui.App;
using SecureChat.Tui.Tests.Support;
using Terminal.Gui.Input;

namespace SecureChat.Tui.Tests.Views;

/// <summary>A message over the size limit is refused where it is typed: nothing is lost, and the user is told by how much.</summary>
[Collection(TerminalGuiCollection.Name)]
public sealed class MessageLimitTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_message_over_the_limit_stays_in_the_input_line_and_one_error_line_says_how_many_bytes_over(bool asAction)
    {
        using var screen = new TestScreen(width: 120, height: 20);
        var sent = new List<string>();
        screen.Window.LineEntered += (line, _, _) => sent.Add(line);
        string prefix = asAction ? "/me " : string.Empty;
        string text = prefix + new string('é', (SecureChat.Engine.Transport.ChatOptions.MaxMessageBytes / 2) + 39);
        int over = System.Text.Encoding.UTF8.GetByteCount(text) - SecureChat.Engine.Transport.ChatOptions.MaxMessageBytes;
        screen.Type(prefix);
        screen.Paste(text[prefix.Length..]);
        screen.Press(Key.Enter);

        string drawn = screen.Screen();
        TestContext.Current.TestOutputHelper?.WriteLine($"{System.Text.Encoding.UTF8.GetByteCount(text)} bytes, {over} over; error line: {Row(drawn, "not sent")}");
        sent.ShouldBeEmpty();
        screen.Window.Input.Draft.ShouldBe(text);
        screen.Window.Pane.Entries.Count(e => e.Kind == LineKind.Error).ShouldBe(1);
        drawn.ShouldContain($"! not sent: {over:N0} bytes over the limit of {SecureChat.Engine.Transport.ChatOptions.MaxMessageBytes:N0}; the message stays in the input line");

        // Shortened to the limit, it goes.
        screen.Window.Input.SetDraft(text[..^over]);
        screen.Press(Key.Enter);
        sent.ShouldBe([text[..^over]]);
    }

    [Fact]
    public void A_pasted_message_of_many_lines_over_the_limit_is_refused_at_the_first_Enter_without_asking_to_confirm()
    {
        using var screen = new TestScreen(width: 120, height: 20);
        var sent = new List<string>();
        screen.Window.LineEntered += (line, _, _) => sent.Add(line);
        string line = new('x', 4000);
        string text = string.Join('\n', Enumerable.Repeat(line, 5));
        screen.Paste(text);
        screen.Press(Key.Enter);

        screen.Window.Pane.Entries.ShouldNotContain(e => e.Text.Contains("press Enter again", StringComparison.Ordinal));
        screen.Window.Pane.Entries.ShouldContain(e => e.Kind == LineKind.Error && e.Text.StartsWith("not sent: ", StringComparison.Ordinal));
        screen.Press(Key.Enter);
        sent.ShouldBeEmpty();
        screen.Window.Input.Draft.ShouldBe(text);
    }

    private static string Row(string screen, string mark) =>
        screen.Split('\n').FirstOrDefault(r => r.Contains(mark, StringComparison.Ordinal)) ?? throw new ShouldAssertException($"no row with '{mark}' in:\n{screen}");
}
