using System.Text;
using System.Text.Json;
using SecureChat.Engine.Chat;
using SecureChat.Tui.App;
using SecureChat.Tui.Headless;

namespace SecureChat.Tui.Tests.Headless;

/// <summary><c>--json</c> lines: valid JSON whatever the text, which a parser gets back as it was sent, and nothing that acts on a terminal.</summary>
public sealed class JsonLineTests(ITestOutputHelper output)
{
    /// <summary>Every C0 control, DEL and C1 controls, quotes, backslashes, other languages, emoji, bidi and invisible characters, HTML's specials.</summary>
    private static readonly string s_everything =
        string.Concat(Enumerable.Range(0, 0x20).Select(c => (char)c)) + "\u007f\u0080\u0085\u009f" +
        "\"quoted\" \\ C:\\path \\n " + "你好 é Ωμέγα 😀 👍🏽 \u202Eevil\u200B tag\U000E0041 private\uE000 line\u2028para\u2029 <b>&'`+";

    [Fact]
    public void An_emoji_sequence_is_written_as_itself_and_a_joiner_outside_one_as_an_escape()
    {
        const string text = "👍🏽 👩‍💻 ❤️ 🏳️‍🌈 \u200D x \u202E";
        string json = JsonLine.Format(new ChatLine(LineKind.Message, text, "Bob", DateTimeOffset.Now));
        output.WriteLine(json);

        json.ShouldContain("\"text\":\"👍🏽 👩‍💻 ❤️ 🏳️‍🌈 \\u200d x \\u202e\"", Case.Insensitive);
        using JsonDocument document = JsonDocument.Parse(json);
        document.RootElement.GetProperty("text").GetString().ShouldBe(text);
    }

    [Fact]
    public void Every_control_character_quote_backslash_and_non_ASCII_text_parses_back_as_it_was_sent()
    {
        ChatLine line = new ChatLine(LineKind.Message, s_everything, "Bob\u001b]0;pwned\u0007", DateTimeOffset.Now) with
        {
            Fields = [ChatLine.Field("lines", new[] { s_everything, string.Empty }), ChatLine.Field("count", 3), ChatLine.Field("operator", false), ChatLine.Field("identity", null)],
        };

        string json = JsonLine.Format(line);
        output.WriteLine(json);

        json.Where(c => c < 0x20 || c is >= '\u007f' and <= '\u009f').ShouldBeEmpty("no control character is written as it is");
        SafeText.FirstNeutralised(json).ShouldBe(-1, "nothing the text mode escapes is written as it is");
        json.ShouldContain("你好 é Ωμέγα 😀 👍", customMessage: "text that is safe stays readable");
        json.ShouldContain("<b>&'`+", customMessage: "no HTML-style escaping");
        json.ShouldContain(@"\""quoted\"" \\ C:\\path \\n ");

        using JsonDocument document = JsonDocument.Parse(json);
        JsonElement root = document.RootElement;
        root.EnumerateObject().Select(p => p.Name).ShouldBe(["time", "event", "from", "lines", "count", "operator", "identity", "text"]);
        root.GetProperty("event").GetString().ShouldBe("message");
        root.GetProperty("from").GetString().ShouldBe("Bob\u001b]0;pwned\u0007");
        root.GetProperty("text").GetString().ShouldBe(s_everything);
        root.GetProperty("lines").EnumerateArray().Select(e => e.GetString()).ShouldBe([s_everything, string.Empty]);
        root.GetProperty("count").GetInt32().ShouldBe(3);
        root.GetProperty("operator").GetBoolean().ShouldBeFalse();
        root.GetProperty("identity").ValueKind.ShouldBe(JsonValueKind.Null);
        DateTimeOffset.Parse(root.GetProperty("time").GetString()!, System.Globalization.CultureInfo.InvariantCulture).ShouldNotBe(default);
    }

    [Fact]
    public void A_lone_surrogate_becomes_a_replacement_character_and_the_line_still_parses()
    {
        string json = JsonLine.Format(ChatLine.Notice("x\uD800y\uDC00"));
        output.WriteLine(json);
        using JsonDocument document = JsonDocument.Parse(json);
        document.RootElement.GetProperty("text").GetString().ShouldBe("x\uFFFDy\uFFFD");
        Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(json)).ShouldBe(json, "the line is valid UTF-16, so it is written as valid UTF-8");
    }

    [Fact]
    public void An_emoji_sequence_after_an_escape_is_still_written_as_itself()
    {
        const string text = "\u202E👩‍💻 \"❤️\" \U0001FC00\u200D✌";
        string json = JsonLine.Format(new ChatLine(LineKind.Message, text, "Bob", DateTimeOffset.Now));
        output.WriteLine(json);

        json.ShouldContain("\"text\":\"\\u202e👩‍💻 \\\"❤️\\\" \\ud83f\\udc00\\u200d✌\"", Case.Insensitive);
        using JsonDocument document = JsonDocument.Parse(json);
        document.RootElement.GetProperty("text").GetString().ShouldBe(text);
    }

    [Fact]
    public void A_long_text_packed_with_characters_to_escape_is_written_whole_and_parses_back()
    {
        string text = string.Concat(Enumerable.Repeat("\u202Ex👩\u200D💻\"\u200D", 16 * 1024 / 9));
        string json = JsonLine.Format(new ChatLine(LineKind.Message, text, "Bob", DateTimeOffset.Now));
        for (int round = 0; round < 3; round++)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            JsonLine.Format(new ChatLine(LineKind.Message, text[..(text.Length / 4)], "Bob", DateTimeOffset.Now));
            TimeSpan quarter = watch.Elapsed;
            watch.Restart();
            JsonLine.Format(new ChatLine(LineKind.Message, text, "Bob", DateTimeOffset.Now));
            output.WriteLine($"{text.Length / 4} characters in {quarter.TotalMilliseconds:F1} ms, {text.Length} in {watch.Elapsed.TotalMilliseconds:F1} ms ({json.Length} written)");
        }

        SafeText.FirstNeutralised(json).ShouldBe(-1, "nothing the text mode escapes is written as it is");
        using JsonDocument document = JsonDocument.Parse(json);
        document.RootElement.GetProperty("text").GetString().ShouldBe(text);
    }
}
