using SecureChat.Engine.Chat;

namespace SecureChat.Tui.App;

/// <summary>
/// Whether a message names this side's user: their current name appears in it as a word (not inside a longer
/// word), compared as names are (<see cref="NameRules.Key"/>: case and look-alike characters do not matter, so
/// <c>ALICE</c> and <c>Аlice</c> with a Cyrillic A both name Alice). The text and the name are compared by their
/// keys, so a look-alike never escapes by its spelling. Thread-safe (pure).
/// </summary>
internal static class Mentions
{
    public static bool Names(string text, string ownName)
    {
        if (ownName.Length == 0 || text.Length == 0)
        {
            return false;
        }

        string name = NameRules.Key(ownName);
        string key = NameRules.Key(text);
        for (int at = key.IndexOf(name, StringComparison.Ordinal); at >= 0; at = key.IndexOf(name, at + 1, StringComparison.Ordinal))
        {
            if (IsBoundary(key, at - 1) && IsBoundary(key, at + name.Length))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the character at <paramref name="index"/> (outside the text counts) ends a word.</summary>
    private static bool IsBoundary(string key, int index) =>
        index < 0 || index >= key.Length || !(char.IsLetterOrDigit(key[index]) || char.IsSurrogate(key[index])
            || char.GetUnicodeCategory(key[index]) is System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.ConnectorPunctuation);
}
