namespace SecureChat.Engine.Chat;

/// <summary>
/// Finds the joiners, presentation selectors, skin tones and tags that are part of an emoji sequence (Unicode
/// Technical Standard #51, section 1.4), so <see cref="SafeText"/> can show them as the emoji they form while it
/// still escapes every one of them that stands alone, starts the text, follows a letter or is doubled. A code point
/// is kept only where the standard puts it:
/// <list type="bullet">
/// <item>U+FE0E/U+FE0F (ED-08, ED-09) right after an emoji character that takes a presentation selector;</item>
/// <item>a skin tone U+1F3FB-1F3FF (ED-13) right after an emoji modifier base;</item>
/// <item>U+200D (ED-15, ED-16) between two Extended_Pictographic characters, with nothing between the first and the
/// joiner but the selectors and skin tones kept above (the shape of Unicode Standard Annex #29 rule GB11, so the
/// sequence is one grapheme cluster);</item>
/// <item>tags (ED-14a) in a subdivision flag: U+1F3F4, one to seven tag digits or lower-case tag letters, then the
/// cancel tag U+E007F (ISO 3166-2 codes such as "gbsct" are at most six): a longer or other run of tags, which could
/// carry invisible text, is escaped whole.</item>
/// </list>
/// Bidi controls and every other format character are never kept. Thread-safe (pure).
/// </summary>
internal static class EmojiSequences
{
    /// <summary>The most tags a subdivision flag may carry before its cancel tag.</summary>
    public const int FlagTagsMax = 7;

    /// <summary>For each code point, whether it is kept as part of an emoji sequence; null when none is.</summary>
    public static bool[]? Kept(IReadOnlyList<int> codePoints)
    {
        bool[]? kept = null;
        for (int i = 1; i < codePoints.Count; i++)
        {
            int value = codePoints[i];
            int before = codePoints[i - 1];
            bool keep = value is EmojiTables.EmojiSelector or EmojiTables.TextSelector ? EmojiTables.TakesPresentationSelector(before)
                : EmojiTables.IsSkinTone(value) && EmojiTables.IsModifierBase(before);
            if (keep)
            {
                (kept ??= new bool[codePoints.Count])[i] = true;
            }
        }

        for (int i = 1; i + 1 < codePoints.Count; i++)
        {
            if (codePoints[i] == EmojiTables.ZeroWidthJoiner && EmojiTables.IsPictographic(codePoints[i + 1]) && JoinsFrom(codePoints, kept, i))
            {
                (kept ??= new bool[codePoints.Count])[i] = true;
            }
        }

        for (int i = 0; i < codePoints.Count; i++)
        {
            if (codePoints[i] != EmojiTables.BlackFlag)
            {
                continue;
            }

            int end = i + 1;
            while (end < codePoints.Count && end - i - 1 < FlagTagsMax && IsFlagTag(codePoints[end]))
            {
                end++;
            }

            if (end > i + 1 && end < codePoints.Count && codePoints[end] == EmojiTables.CancelTag)
            {
                kept ??= new bool[codePoints.Count];
                for (int k = i + 1; k <= end; k++)
                {
                    kept[k] = true;
                }

                i = end;
            }
        }

        return kept;
    }

    /// <summary>Whether the joiner at <paramref name="joiner"/> follows an Extended_Pictographic character, past kept selectors and skin tones only.</summary>
    private static bool JoinsFrom(IReadOnlyList<int> codePoints, bool[]? kept, int joiner)
    {
        for (int j = joiner - 1; j >= 0; j--)
        {
            if (EmojiTables.IsPictographic(codePoints[j]))
            {
                return true;
            }

            if (kept is null || !kept[j] || codePoints[j] == EmojiTables.ZeroWidthJoiner)
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>A tag digit or lower-case tag letter: the characters of an ISO 3166-2 subdivision code.</summary>
    private static bool IsFlagTag(int value) => value is >= 0xE0030 and <= 0xE0039 or >= 0xE0061 and <= 0xE007A;
}
