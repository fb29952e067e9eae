using System.Globalization;

namespace SecureChat.Tui.Views;

/// <summary>
/// Positions in the input line's text: readline's word moves (a newline mark counts as a space) and conversions
/// between UTF-16 indexes and the text elements (graphemes) TextField counts its insertion point in. Thread-safe (pure).
/// </summary>
internal static class DraftText
{
    /// <summary>Where the word before <paramref name="at"/> starts (spaces before it skipped), as readline's Ctrl+W and Alt+B.</summary>
    public static int WordStart(string text, int at)
    {
        int i = Math.Clamp(at, 0, text.Length);
        while (i > 0 && IsSeparator(text[i - 1]))
        {
            i--;
        }

        while (i > 0 && !IsSeparator(text[i - 1]))
        {
            i--;
        }

        return i;
    }

    /// <summary>Where the word after <paramref name="at"/> ends, as readline's Alt+F.</summary>
    public static int WordEnd(string text, int at)
    {
        int i = Math.Clamp(at, 0, text.Length);
        while (i < text.Length && IsSeparator(text[i]))
        {
            i++;
        }

        while (i < text.Length && !IsSeparator(text[i]))
        {
            i++;
        }

        return i;
    }

    private static bool IsSeparator(char c) => char.IsWhiteSpace(c) || c == ChatInput.NewlineMark;

    public static int ToCharIndex(string text, int elements)
    {
        if (elements <= 0)
        {
            return 0;
        }

        TextElementEnumerator e = StringInfo.GetTextElementEnumerator(text);
        int count = 0;
        while (e.MoveNext())
        {
            if (count++ == elements)
            {
                return e.ElementIndex;
            }
        }

        return text.Length;
    }

    public static int ToElementIndex(string text, int charIndex)
    {
        TextElementEnumerator e = StringInfo.GetTextElementEnumerator(text);
        int count = 0;
        while (e.MoveNext() && e.ElementIndex < charIndex)
        {
            count++;
        }

        return count;
    }
}
