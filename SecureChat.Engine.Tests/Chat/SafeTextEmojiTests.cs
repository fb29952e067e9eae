using SecureChat.Engine.Chat;

namespace SecureChat.Engine.Tests.Chat;

/// <summary>
/// The joiners, presentation selectors, skin tones and tags that form an emoji sequence are text; the same code
/// points alone, at the start, after a letter, doubled or arranged to hide or reorder text are escaped.
/// </summary>
public sealed class SafeTextEmojiTests
{
    [Theory]
    [InlineData("👍🏽")] // emoji + skin tone
    [InlineData("✌🏿 and 👋🏻")]
    [InlineData("👩‍💻")] // ZWJ sequence
    [InlineData("👨‍👩‍👧‍👦")]
    [InlineData("🧑🏽‍💻")] // skin tone inside a ZWJ sequence
    [InlineData("❤️")] // emoji + VS16
    [InlineData("☺︎ text style")] // emoji + VS15
    [InlineData("🏳️‍🌈")] // VS16 and ZWJ
    [InlineData("❤️‍🔥")]
    [InlineData("1️⃣ #️⃣")] // keycaps
    [InlineData("🏴󠁧󠁢󠁳󠁣󠁴󠁿 🏴󠁧󠁢󠁥󠁮󠁧󠁿")] // subdivision flags: tags + cancel tag
    [InlineData("👍🏽 👩‍💻 ❤️ 🏳️‍🌈")]
    public void An_emoji_sequence_is_shown_as_the_text_it_is(string text)
    {
        SafeText.OneLine(text).ShouldBe(text);
        SafeText.FirstNeutralised(text).ShouldBe(-1);
        SafeText.Lines(text).ShouldBe([text]);
    }

    [Theory]
    // Skin tones: alone, at the start, after a letter, doubled, after an emoji that takes none.
    [InlineData("\U0001F3FD", @"\u{1F3FD}")]
    [InlineData("\U0001F3FDx", @"\u{1F3FD}x")]
    [InlineData("a\U0001F3FD", @"a\u{1F3FD}")]
    [InlineData("👍\U0001F3FD\U0001F3FD", @"👍🏽\u{1F3FD}")]
    [InlineData("😀\U0001F3FD", @"😀\u{1F3FD}")]
    // Variation selectors: alone, at the start, after a letter, doubled.
    [InlineData("\uFE0F", @"\u{FE0F}")]
    [InlineData("\uFE0Fx", @"\u{FE0F}x")]
    [InlineData("a\uFE0F", @"a\u{FE0F}")]
    [InlineData("❤\uFE0F\uFE0F", @"❤️\u{FE0F}")]
    [InlineData("❤\uFE0E\uFE0F", @"❤︎\u{FE0F}")]
    [InlineData("\U0001F1EB\uFE0F", @"🇫\u{FE0F}")] // a regional indicator takes no selector
    // Joiners: alone, at the start, at the end, after a letter, between letters, doubled, not followed by an emoji.
    [InlineData("\u200D", @"\u{200D}")]
    [InlineData("\u200D👍", @"\u{200D}👍")]
    [InlineData("👍\u200D", @"👍\u{200D}")]
    [InlineData("a\u200D👍", @"a\u{200D}👍")]
    [InlineData("x\u200Dy", @"x\u{200D}y")]
    [InlineData("👩\u200D\u200D💻", @"👩\u{200D}\u{200D}💻")]
    [InlineData("👩\u200Dx", @"👩\u{200D}x")]
    [InlineData("👩\u200C💻", @"👩\u{200C}💻")] // ZWNJ is never part of an emoji
    [InlineData("👩\u200B\u200D💻", @"👩\u{200B}\u{200D}💻")]
    // Tags: alone, without the black flag, without the cancel tag, upper case, too many (invisible text).
    [InlineData("\U000E0067", @"\u{E0067}")]
    [InlineData("\U000E007F", @"\u{E007F}")]
    [InlineData("👍\U000E0067\U000E0062\U000E007F", @"👍\u{E0067}\u{E0062}\u{E007F}")]
    [InlineData("🏴\U000E0067\U000E0062", @"🏴\u{E0067}\u{E0062}")]
    [InlineData("🏴\U000E0047\U000E0042\U000E007F", @"🏴\u{E0047}\u{E0042}\u{E007F}")]
    [InlineData("🏴\U000E0070\U000E0061\U000E0079\U000E0020\U000E0069\U000E0074\U000E007F", @"🏴\u{E0070}\u{E0061}\u{E0079}\u{E0020}\u{E0069}\u{E0074}\u{E007F}")]
    [InlineData("🏴\U000E0073\U000E0065\U000E006E\U000E0064\U000E0061\U000E006C\U000E006C\U000E0062\U000E007F", @"🏴\u{E0073}\u{E0065}\u{E006E}\u{E0064}\u{E0061}\u{E006C}\u{E006C}\u{E0062}\u{E007F}")]
    public void The_same_code_points_outside_a_sequence_are_still_escaped(string text, string expected) =>
        SafeText.OneLine(text).ShouldBe(expected);

    [Theory]
    // An attacker dresses bidi controls and invisible characters up as parts of an emoji: each stays escaped, and
    // so does any joiner or selector that would only have been kept because of them.
    [InlineData("👍\u200D\u202Eevil\u202C", @"👍\u{200D}\u{202E}evil\u{202C}")]
    [InlineData("❤\uFE0F\u202E👍\u200D💻", @"❤️\u{202E}👍‍💻")]
    [InlineData("👩\u2066\u200D💻\u2069", @"👩\u{2066}\u{200D}💻\u{2069}")]
    [InlineData("👍🏽\u2067txet\u2069", @"👍🏽\u{2067}txet\u{2069}")]
    [InlineData("🏴\U000E0067\U000E0062\u202E\U000E007F", @"🏴\u{E0067}\u{E0062}\u{202E}\u{E007F}")]
    [InlineData("pay 👍\uFE0F\u200D\u2060100", @"pay 👍️\u{200D}\u{2060}100")]
    // A code point the Extended_Pictographic property reserves but Unicode has not assigned is escaped, so a joiner
    // beside it joins nothing on screen.
    [InlineData("\U0001FC00\u200D✌", @"\u{1FC00}\u{200D}✌")]
    [InlineData("👩\u200D\U0001FC00", @"👩\u{200D}\u{1FC00}")]
    public void An_attackers_sequence_that_would_hide_or_reorder_text_is_escaped(string text, string expected)
    {
        SafeText.OneLine(text).ShouldBe(expected);
        int first = SafeText.FirstNeutralised(text);
        first.ShouldBeGreaterThanOrEqualTo(0);
        SafeText.OneLine(text[..first]).ShouldBe(text[..first], "what comes before the first escape is text as it stands");
    }

    [Fact]
    public void The_first_character_to_escape_is_found_after_an_emoji_sequence_not_inside_it()
    {
        SafeText.FirstNeutralised("👍🏽 \u200D x").ShouldBe("👍🏽 ".Length);
        SafeText.FirstNeutralised("🏳️‍🌈 \u202E").ShouldBe("🏳️‍🌈 ".Length);
        SafeText.FirstNeutralised("\uD800 x").ShouldBe(0, "a lone surrogate is escaped");
    }

    [Fact]
    public void In_random_mixes_of_emoji_and_format_characters_only_what_a_sequence_allows_reaches_the_terminal()
    {
        // Emoji, letters, bidi controls and every kind of character the sequences keep, in random order: whatever
        // the order, each kept joiner, selector, skin tone and tag must stand where the rules allow it.
        int[] alphabet =
        [
            'a', ' ', 0x200D, 0x200D, 0xFE0F, 0xFE0E, 0x1F3FD, 0x1F3FB, 0xE0067, 0xE0062, 0xE007F, 0xE0041, 0x202E, 0x2066,
            0x2069, 0x200B, 0x1F44D, 0x1F469, 0x1F4BB, 0x2764, 0x1F3F3, 0x1F308, 0x1F3F4, 0x270C, 0x1F600, 0x31, 0x20E3,
        ];
        var random = new Random(20261207);
        int kept = 0;
        for (int n = 0; n < 20_000; n++)
        {
            int[] sent = [.. Enumerable.Range(0, random.Next(1, 12)).Select(_ => alphabet[random.Next(alphabet.Length)])];
            string text = string.Concat(sent.Select(char.ConvertFromUtf32));
            string shown = SafeText.OneLine(text);
            int[] cps = [.. shown.EnumerateRunes().Select(r => r.Value)];
            for (int i = 0; i < cps.Length; i++)
            {
                int cp = cps[i];
                string where = $"U+{cp:X4} at {i} of {string.Join(' ', cps.Select(c => c.ToString("X4", System.Globalization.CultureInfo.InvariantCulture)))}";
                (cp is 0x202E or 0x2066 or 0x2069 or 0x200B).ShouldBeFalse(where);
                if (cp is 0xFE0F or 0xFE0E)
                {
                    (i > 0 && EmojiTables.TakesPresentationSelector(cps[i - 1])).ShouldBeTrue(where);
                    kept++;
                }
                else if (EmojiTables.IsSkinTone(cp))
                {
                    (i > 0 && EmojiTables.IsModifierBase(cps[i - 1])).ShouldBeTrue(where);
                    kept++;
                }
                else if (cp == EmojiTables.ZeroWidthJoiner)
                {
                    (i + 1 < cps.Length && EmojiTables.IsPictographic(cps[i + 1])).ShouldBeTrue(where);
                    int j = i - 1;
                    while (j >= 0 && (cps[j] is 0xFE0F or 0xFE0E || EmojiTables.IsSkinTone(cps[j])))
                    {
                        j--;
                    }

                    (j >= 0 && EmojiTables.IsPictographic(cps[j])).ShouldBeTrue(where);
                    kept++;
                }
                else if (cp is >= 0xE0000 and <= 0xE007F)
                {
                    (cp is EmojiTables.CancelTag or >= 0xE0030 and <= 0xE0039 or >= 0xE0061 and <= 0xE007A).ShouldBeTrue(where);
                    int start = i;
                    while (start > 0 && cps[start - 1] is >= 0xE0000 and <= 0xE007F)
                    {
                        start--;
                    }

                    int end = i;
                    while (cps[end] != EmojiTables.CancelTag)
                    {
                        end++;
                    }

                    (start > 0 && cps[start - 1] == EmojiTables.BlackFlag && end - start <= EmojiSequences.FlagTagsMax).ShouldBeTrue(where);
                    kept++;
                }
            }

            (SafeText.FirstNeutralised(text) < 0).ShouldBe(SafeText.OneLine(text) == text, "the first escape is found exactly when the text mode escapes something");
        }

        kept.ShouldBeGreaterThan(1000, "the mixes formed sequences often enough to test the rules");
        TestContext.Current.TestOutputHelper?.WriteLine($"{kept} joiners, selectors, skin tones and tags kept in 20,000 random texts");
    }
}
