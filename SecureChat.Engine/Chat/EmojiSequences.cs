namespace SecureChat.Engine.Chat;

/// <summary>
/// Finds the joiners, presentation selectors, skin tones and tags that are part of an emoji sequence (Unicode
/// Technical Standard #51, section 1.4), so <see cref="SafeText"/> can show them as the emoji they form while it
/// still escapes every one of them that stands alone, starts the text, follows a letter or is doubled. A code point
/// is kept only where the standard puts it:
/// <list type="bullet">
/// <item>U+FE0E/U+FE0F (ED-08, ED-09) right after an emoji character that takes a presentation selector;</item>
/// <item>a skin tone U+1F3FB-1F3FF (ED-13) right after an emoji modifier base;</item>
/// <item>U+200D (ED-15, ED-16) between two Extended_Pictographic characters that are shown as themselves (not an
/// unassigned one, which is escaped), with nothing between the first and the
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

    /// <summary>
    /// How far, in code points on either side, the decision for one code point looks: a flag's tags reach back to
    /// the black flag and on to the cancel tag (at most <see cref="FlagTagsMax"/> tags between), further than a
    /// selector, skin tone or joiner looks (the emoji before it, one kept selector or skin tone, the emoji after).
    /// </summary>
    public const int ReachMax = FlagTagsMax + 2;

    /// <summary>For each code point, whether it is kept as part of an emoji sequence; null when none is.</summary>
    public static bool[]? Kept(ReadOnlySpan<int> codePoints)
    {
        bool[]? kept = null;
        for (int i = 1; i < codePoints.Length; i++)
        {
            int value = codePoints[i];
            int before = codePoints[i - 1];
            bool keep = value is EmojiTables.EmojiSelector or EmojiTables.TextSelector ? EmojiTables.TakesPresentationSelector(before)
                : EmojiTables.IsSkinTone(value) && EmojiTables.IsModifierBase(before);
            if (keep)
            {
                (kept ??= new bool[codePoints.Length])[i] = true;
            }
        }

        for (int i = 1; i + 1 < codePoints.Length; i++)
        {
            if (codePoints[i] == EmojiTables.ZeroWidthJoiner && IsShownPictographic(codePoints[i + 1]) && JoinsFrom(codePoints, kept, i))
            {
                (kept ??= new bool[codePoints.Length])[i] = true;
            }
        }

        for (int i = 0; i < codePoints.Length; i++)
        {
            if (codePoints[i] != EmojiTables.BlackFlag)
            {
                continue;
            }

            int end = i + 1;
            while (end < codePoints.Length && end - i - 1 < FlagTagsMax && IsFlagTag(codePoints[end]))
            {
                end++;
            }

            if (end > i + 1 && end < codePoints.Length && codePoints[end] == EmojiTables.CancelTag)
            {
                kept ??= new bool[codePoints.Length];
                for (int k = i + 1; k <= end; k++)
                {
                    kept[k] = true;
                }

                i = end;
            }
        }

        return kept;
    }

    /// <summary>
    /// Whether the code point at <paramref name="index"/> is kept, as <see cref="Kept"/> decides it over the whole
    /// text, looking only at the <see cref="ReachMax"/> code points on either side: what a search that stops early
    /// needs.
    /// </summary>
    public static bool IsKept(ReadOnlySpan<int> codePoints, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, codePoints.Length);
        if (!MayBeKept(codePoints[index]))
        {
            return false;
        }

        int start = Math.Max(0, index - ReachMax);
        int end = Math.Min(codePoints.Length, index + ReachMax + 1);
        bool[]? kept = Kept(codePoints[start..end]);
        return kept is not null && kept[index - start];
    }

    /// <summary>Whether the joiner at <paramref name="joiner"/> follows an Extended_Pictographic character, past kept selectors and skin tones only.</summary>
    private static bool JoinsFrom(ReadOnlySpan<int> codePoints, bool[]? kept, int joiner)
    {
        for (int j = joiner - 1; j >= 0; j--)
        {
            if (IsShownPictographic(codePoints[j]))
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

    /// <summary>Whether <see cref="Kept"/> ever keeps <paramref name="value"/>: only a selector, skin tone, joiner, flag tag or cancel tag.</summary>
    public static bool MayBeKept(int value) =>
        value is EmojiTables.EmojiSelector or EmojiTables.TextSelector or EmojiTables.ZeroWidthJoiner or EmojiTables.CancelTag
        || EmojiTables.IsSkinTone(value) || IsFlagTag(value);

    /// <summary>
    /// An Extended_Pictographic character shown as itself: the property also covers code points not yet assigned
    /// (U+1FC00-1FFFD and others), which are escaped, and a joiner next to an escape would join nothing on screen.
    /// </summary>
    private static bool IsShownPictographic(int value) => EmojiTables.IsPictographic(value) && !SafeText.IsNeutralised(value);

    /// <summary>A tag digit or lower-case tag letter: the characters of an ISO 3166-2 subdivision code.</summary>
    private static bool IsFlagTag(int value) => value is >= 0xE0030 and <= 0xE0039 or >= 0xE0061 and <= 0xE007A;
}
