namespace SecureChat.Engine.Chat;

/// <summary>
/// The emoji properties of Unicode Technical Standard #51 that decide which joiners, selectors, skin tones and tags
/// belong to an emoji sequence (see <see cref="SafeText"/>), over the generated tables of <c>EmojiTables.g.cs</c>
/// (<c>tools/gen-emoji-tables.py</c>). Thread-safe (pure).
/// </summary>
internal static partial class EmojiTables
{
    public const int ZeroWidthJoiner = 0x200D;
    public const int TextSelector = 0xFE0E;
    public const int EmojiSelector = 0xFE0F;
    public const int BlackFlag = 0x1F3F4;
    public const int CancelTag = 0xE007F;

    /// <summary>Extended_Pictographic: what U+200D may join in an emoji ZWJ sequence (UTS #51, ED-16).</summary>
    public static bool IsPictographic(int codePoint) => InRanges(ExtendedPictographicRanges, codePoint);

    /// <summary>Emoji_Modifier_Base: what a skin-tone modifier may follow (UTS #51, ED-13).</summary>
    public static bool IsModifierBase(int codePoint) => InRanges(ModifierBaseRanges, codePoint);

    /// <summary>An emoji character (other than a regional indicator or skin tone) that a presentation selector may follow.</summary>
    public static bool TakesPresentationSelector(int codePoint) => InRanges(PresentationBaseRanges, codePoint);

    public static bool IsSkinTone(int codePoint) => codePoint is >= 0x1F3FB and <= 0x1F3FF;

    private static bool InRanges(ReadOnlySpan<int> ranges, int codePoint)
    {
        int lo = 0, hi = ranges.Length / 2 - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) / 2;
            if (codePoint < ranges[2 * mid])
            {
                hi = mid - 1;
            }
            else if (codePoint > ranges[2 * mid + 1])
            {
                lo = mid + 1;
            }
            else
            {
                return true;
            }
        }

        return false;
    }
}
