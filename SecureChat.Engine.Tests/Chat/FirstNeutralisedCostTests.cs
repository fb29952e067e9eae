using System.Buffers;
using System.Text;
using SecureChat.Engine.Chat;

namespace SecureChat.Engine.Tests.Chat;

/// <summary>
/// <see cref="SafeText.FirstNeutralised(ReadOnlySpan{char}, SearchValues{char})"/> as a JSON encoder calls it: once
/// on the text, then again on what follows each character it escaped. A peer that fills a message with characters to
/// escape must not make that cost grow with the square of the message's length, and the escapes found on the
/// remainders must be exactly those the whole text has.
/// </summary>
public sealed class FirstNeutralisedCostTests(ITestOutputHelper output)
{
    private static readonly SearchValues<char> s_jsonSpecials = SearchValues.Create("\"\\");

    public static TheoryData<string, string> Patterns => new()
    {
        { "bidi override and letter", "\u202Ex" },
        { "quote and letter", "\"x" },
        { "joiner outside an emoji and letter", "\u200Dx" },
        { "emoji joined by a kept joiner, then an override", "👩\u200D💻\u202E" },
        { "flag with tags, then a lone tag", "🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F\U000E0041" },
    };

    [Theory]
    [MemberData(nameof(Patterns))]
    public void The_work_to_escape_a_text_grows_in_step_with_its_length(string name, string pattern)
    {
        (int calls4, long examined4) = EscapeAll(Repeat(pattern, 4 * 1024));
        (int calls16, long examined16) = EscapeAll(Repeat(pattern, 16 * 1024));
        int codePoints16 = Repeat(pattern, 16 * 1024).EnumerateRunes().Count();
        double ratio = (double)examined16 / examined4;
        output.WriteLine($"{name}: 4 KB: {calls4} calls, {examined4} code points examined; 16 KB: {calls16} calls, {examined16} examined ({codePoints16} in the text); 16 KB / 4 KB = {ratio:F1}");

        examined16.ShouldBeLessThanOrEqualTo((long)codePoints16 * (EmojiSequences.ReachMax + 2), "each code point is examined a bounded number of times");
        ratio.ShouldBeLessThan(5.0, "four times the text is about four times the work, not sixteen");
    }

    [Fact]
    public void A_stop_character_ends_the_search_as_an_escape_does()
    {
        SafeText.FirstNeutralised("ab\"\u202E", s_jsonSpecials).ShouldBe(2);
        SafeText.FirstNeutralised("a\u202E\"", s_jsonSpecials).ShouldBe(1);
        SafeText.FirstNeutralised("👩\u200D💻\"", s_jsonSpecials).ShouldBe("👩\u200D💻".Length, "the kept joiner is text");
        SafeText.FirstNeutralised("👩\u200D\"💻", s_jsonSpecials).ShouldBe("👩".Length, "a joiner before a quote joins nothing");
        SafeText.FirstNeutralised("plain text", s_jsonSpecials).ShouldBe(-1);
        SafeText.FirstNeutralised(string.Empty, s_jsonSpecials).ShouldBe(-1);
    }

    [Fact]
    public void Searching_each_remainder_finds_exactly_the_escapes_of_the_whole_text()
    {
        int[] alphabet =
        [
            'a', ' ', '"', 0x200D, 0x200D, 0xFE0F, 0xFE0E, 0x1F3FD, 0x1F3FB, 0xE0067, 0xE0062, 0xE007F, 0xE0041, 0x202E,
            0x2066, 0x200B, 0x1F44D, 0x1F469, 0x1F4BB, 0x2764, 0x1F3F3, 0x1F3F4, 0x270C, 0x31, 0x20E3, 0x1FC00, 0xE000,
        ];
        var random = new Random(20261207);
        int escapes = 0;
        for (int n = 0; n < 20_000; n++)
        {
            int[] sent = [.. Enumerable.Range(0, random.Next(1, 40)).Select(_ => alphabet[random.Next(alphabet.Length)])];
            string text = string.Concat(sent.Select(char.ConvertFromUtf32));
            if (random.Next(8) == 0)
            {
                text = text.Insert(random.Next(text.Length + 1), "\uD800");
            }

            List<int> expected = WholeTextEscapes(text);
            List<int> found = [];
            for (int start = 0; start < text.Length;)
            {
                int index = SafeText.FirstNeutralised(text.AsSpan(start), s_jsonSpecials);
                if (index < 0)
                {
                    break;
                }

                found.Add(start + index);
                start += index + (char.IsSurrogatePair(text, start + index) ? 2 : 1);
            }

            found.ShouldBe(expected, $"in {string.Join(' ', text.EnumerateRunes().Select(r => r.Value.ToString("X4", System.Globalization.CultureInfo.InvariantCulture)))}");
            escapes += found.Count;
        }

        output.WriteLine($"{escapes} escapes found on remainders, each where the whole text has one");
    }

    /// <summary>Calls the search as a JSON encoder does; how many calls, and how many code points they examined.</summary>
    private static (int Calls, long Examined) EscapeAll(string text)
    {
        int calls = 0;
        long examined = 0;
        for (int start = 0; start < text.Length;)
        {
            calls++;
            int index = SafeText.FirstNeutralised(text.AsSpan(start), s_jsonSpecials, out int looked);
            examined += looked;
            if (index < 0)
            {
                break;
            }

            start += index + (char.IsSurrogatePair(text, start + index) ? 2 : 1);
        }

        return (calls, examined);
    }

    /// <summary>The UTF-16 index of every code point the whole text escapes (as the text mode does), and of every stop character.</summary>
    private static List<int> WholeTextEscapes(string text)
    {
        int[] codePoints = [.. SafeText.CodePoints(text)];
        bool[]? kept = EmojiSequences.Kept(codePoints);
        List<int> escapes = [];
        int at = 0;
        for (int i = 0; i < codePoints.Length; i++)
        {
            if (codePoints[i] is '"' or '\\' || (SafeText.IsNeutralised(codePoints[i]) && (kept is null || !kept[i])))
            {
                escapes.Add(at);
            }

            at += codePoints[i] > 0xFFFF ? 2 : 1;
        }

        return escapes;
    }

    private static string Repeat(string pattern, int chars)
    {
        var text = new StringBuilder(chars + pattern.Length);
        while (text.Length + pattern.Length <= chars)
        {
            text.Append(pattern);
        }

        return text.ToString();
    }
}
