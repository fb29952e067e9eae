using System.Text;
using SecureChat.Engine.Chat;

namespace SecureChat.Engine.Tests.Chat;

public sealed class SafeTextTests
{
    [Theory]
    [InlineData("hello, 你好 😀 e\u0301 ß", "hello, 你好 😀 e\u0301 ß")]
    [InlineData("a\nb", @"a\nb")]
    [InlineData("a\r\nb", @"a\r\nb")]
    [InlineData("tab\there", @"tab\there")]
    [InlineData("\u001b[2K\rfake", @"\u{001B}[2K\rfake")]
    [InlineData("\u001b]0;title\u0007", @"\u{001B}]0;title\u{0007}")]
    [InlineData("\u001b]52;c;cHduZWQ=\u001b\\", @"\u{001B}]52;c;cHduZWQ=\u{001B}\\")]
    [InlineData("\u009b2J\u0085\u007f\u0000", @"\u{009B}2J\u{0085}\u{007F}\u{0000}")]
    [InlineData("\u202Eevil\u202C", @"\u{202E}evil\u{202C}")]
    [InlineData("\u202A\u202B\u202D\u2066\u2067\u2068\u2069\u200E\u200F\u061C", @"\u{202A}\u{202B}\u{202D}\u{2066}\u{2067}\u{2068}\u{2069}\u{200E}\u{200F}\u{061C}")]
    [InlineData("zero\u200Bwidth\u200C\u200D\u2060\uFEFF\u00AD", @"zero\u{200B}width\u{200C}\u{200D}\u{2060}\u{FEFF}\u{00AD}")]
    [InlineData("line\u2028para\u2029", @"line\u{2028}para\u{2029}")]
    [InlineData("filler\u3164\u115F", @"filler\u{3164}\u{115F}")]
    [InlineData("tag\U000E0041", @"tag\u{E0041}")]
    [InlineData("private\uE000", @"private\u{E000}")]
    [InlineData("thumbs \U0001F3FD alone", @"thumbs \u{1F3FD} alone")]
    [InlineData(@"a typed \n is not a line break", @"a typed \\n is not a line break")]
    [InlineData(@"C:\path", @"C:\\path")]
    public void One_line_shows_every_dangerous_character_as_a_visible_escape(string text, string expected) =>
        SafeText.OneLine(text).ShouldBe(expected);

    [Fact]
    public void A_lone_surrogate_is_shown_as_its_escape()
    {
        SafeText.OneLine("x\uD800y").ShouldBe(@"x\u{D800}y");
        SafeText.OneLine("x\uDC00").ShouldBe(@"x\u{DC00}");
    }

    [Fact]
    public void Clean_text_comes_back_as_the_same_instance()
    {
        string text = "nothing to escape here 😀";
        SafeText.OneLine(text).ShouldBeSameAs(text);
    }

    [Fact]
    public void Lines_split_at_line_breaks_and_make_each_line_safe()
    {
        SafeText.Lines("one\r\ntwo\u001b[1m\nthree\rfour").ShouldBe(["one", @"two\u{001B}[1m", @"three\rfour"]);
        SafeText.Lines(string.Empty).ShouldBe([string.Empty]);
        SafeText.Lines("end\n").ShouldBe(["end", string.Empty]);
    }

    [Theory]
    [InlineData("Alice", "Alice")]
    [InlineData("Аlice", "Аlice")] // valid on its own (Cyrillic A); lookalikes are a server's uniqueness matter
    [InlineData("*", @"\u{002A}")]
    [InlineData("* Bob left", @"\u{002A} Bob left")]
    [InlineData("!x", @"\u{0021}x")]
    [InlineData("[*]", @"\u{005B}*\u{005D}")]
    [InlineData("Eve]: hi", @"Eve\u{005D}\u{003A} hi")]
    [InlineData("∗star", @"\u{2217}star")]
    [InlineData("Alice\u200b", @"Alice\u{200B}")]
    [InlineData("\u2060", @"\u{2060}")]
    [InlineData("", "\"\"")]
    [InlineData("a\nb", @"a\nb")]
    [InlineData(" * Bob left", @"\u{0020}* Bob left")]
    [InlineData("\u0301x", @"\u{0301}x")]
    [InlineData(@"Bob\n", @"Bob\\n")]
    public void A_name_that_breaks_the_rules_is_shown_so_it_cannot_pass_for_a_notice(string name, string expected) =>
        SafeText.Name(name).ShouldBe(expected);

    [Fact]
    public void Every_code_point_is_either_escaped_or_safe_on_a_terminal()
    {
        // Whatever survives has a defined width: no control, format, separator, surrogate, private-use or unassigned.
        var text = new StringBuilder();
        for (int cp = 0; cp <= 0x10FFFF; cp += cp < 0x3000 ? 1 : 97)
        {
            if (cp is < 0xD800 or > 0xDFFF)
            {
                text.Append(char.ConvertFromUtf32(cp));
            }
        }

        string safe = SafeText.OneLine(text.ToString());
        foreach (Rune rune in safe.EnumerateRunes())
        {
            System.Globalization.UnicodeCategory category = Rune.GetUnicodeCategory(rune);
            category.ShouldNotBeOneOf(
                System.Globalization.UnicodeCategory.Control, System.Globalization.UnicodeCategory.Format,
                System.Globalization.UnicodeCategory.LineSeparator, System.Globalization.UnicodeCategory.ParagraphSeparator,
                System.Globalization.UnicodeCategory.Surrogate, System.Globalization.UnicodeCategory.PrivateUse,
                System.Globalization.UnicodeCategory.OtherNotAssigned);
        }
    }
}
