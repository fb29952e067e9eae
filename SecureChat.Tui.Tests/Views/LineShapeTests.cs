using SecureChat.Tui.App;
using SecureChat.Tui.Tests.Support;
using SecureChat.Tui.Views;
using Terminal.Gui.Drawing;
using Attribute = Terminal.Gui.Drawing.Attribute;

namespace SecureChat.Tui.Tests.Views;

/// <summary>
/// Member lines and notices have shapes a member cannot forge (a member's name always in brackets the app draws, a
/// notice always after "-!-"); only the name is coloured, from distinct hues of the terminal's 16 colours that are
/// never the own name's or an error's; NO_COLOR turns colour off.
/// </summary>
[Collection(TerminalGuiCollection.Name)]
public sealed class LineShapeTests
{
    private const string Fingerprint = "CD85 B7AE 2E6E A4F2 DF42 A160 7FC1 95C9";

    [Fact]
    public void Messages_actions_and_notices_each_have_their_own_shape()
    {
        DateTimeOffset time = DateTimeOffset.Now;
        string hhmm = time.ToLocalTime().ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture);
        new PaneEntry(time, "Bob", "hello", LineKind.Message).Format().ShouldBe($"{hhmm} <Bob> hello");
        new PaneEntry(time, "Bob", "/me waves", LineKind.Message).Format().ShouldBe($"{hhmm} * <Bob> waves");
        new PaneEntry(time, "Alice", "hi", LineKind.Own).Format().ShouldBe($"{hhmm} <Alice> hi");
        new PaneEntry(time, string.Empty, "Bob joined", LineKind.Notice).Format().ShouldBe($"{hhmm} -!- Bob joined");
    }

    [Theory]
    [InlineData("Peer identity of Alice\u1361", "/me " + Fingerprint + " (verified)")]
    [InlineData("-!- Peer identity of Alice", Fingerprint + " (verified)")]
    [InlineData("* Peer identity of Alice", Fingerprint + " (verified)")]
    public void A_member_cannot_make_a_line_that_looks_like_a_notice(string name, string text)
    {
        DateTimeOffset time = DateTimeOffset.Now;
        string forged = new PaneEntry(time, name, text, LineKind.Message).Format();
        string notice = new PaneEntry(time, string.Empty, $"Peer identity of Alice: {Fingerprint} (verified)", LineKind.Notice).Format();
        TestContext.Current.TestOutputHelper?.WriteLine($"notice: {notice}\nmember: {forged}");
        forged[6..].ShouldNotStartWith("-!-");
        forged[6..].ShouldMatch(@"^(\* )?<");
        notice[6..].ShouldStartWith("-!- ");
    }

    [Fact]
    public void The_palette_has_one_colour_per_hue_and_none_of_the_own_name_or_errors()
    {
        ColorName16[] palette = [.. NameColours.Palette];
        palette.Select(Hue).Distinct().Count().ShouldBe(palette.Length, "no hue twice (a normal and a bright one look alike)");
        palette.Select(Hue).ShouldNotContain(Hue(NameColours.Own));
        palette.Select(Hue).ShouldNotContain(Hue(NameColours.Error));
        Hue(NameColours.Own).ShouldNotBe(Hue(NameColours.Error));
    }

    [Fact]
    public void Only_the_name_is_coloured_and_NO_COLOR_leaves_everything_in_the_terminals_colours()
    {
        using var screen = new TestScreen(width: 60, height: 10);
        screen.Window.Pane.Append(new PaneEntry(DateTimeOffset.Now, "Bob", "plain words", LineKind.Message));
        (Attribute name, Attribute text) = NameAndText(screen, "<Bob>", "plain");
        name.Foreground.ShouldBe(new Color(NameColours.For("Bob")));
        text.Foreground.ShouldNotBe(name.Foreground);

        screen.Window.Pane.Colour = false;
        (name, text) = NameAndText(screen, "<Bob>", "plain");
        name.ShouldBe(text);
        name.Foreground.ShouldNotBe(new Color(NameColours.For("Bob")));
    }

    private static (Attribute Name, Attribute Text) NameAndText(TestScreen screen, string nameMark, string textMark)
    {
        string[] rows = screen.Screen().Split('\n');
        int row = Array.FindIndex(rows, r => r.Contains(nameMark, StringComparison.Ordinal));
        row.ShouldBeGreaterThanOrEqualTo(0);
        Cell[,] cells = screen.App.Driver!.Contents!;
        int nameColumn = rows[row].IndexOf(nameMark, StringComparison.Ordinal) + 1;
        int textColumn = rows[row].IndexOf(textMark, StringComparison.Ordinal);
        return (cells[row, nameColumn].Attribute!.Value, cells[row, textColumn].Attribute!.Value);
    }

    private static int Hue(ColorName16 colour) => (int)colour % 8;
}
