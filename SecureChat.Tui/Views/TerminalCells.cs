using System.Globalization;
using System.Text;
using Terminal.Gui.Text;

namespace SecureChat.Tui.Views;

/// <summary>
/// The cells a terminal draws for a grapheme cluster (Unicode Standard Annex #29, as <see cref="StringInfo"/> splits
/// text), measured as tmux 3.3a draws it: the wcwidth of each code point, but nothing for a code point joined by
/// U+200D to the one before, for variation selectors and for tags, and two cells for each emoji skin tone (tmux does
/// not join it to its emoji). So 👩‍💻 and 🏴󠁧󠁢󠁳󠁣󠁴󠁿 take 2 cells, ❤️ and 1️⃣ take 1, 👍🏽 takes 4 and ✌🏽 takes 3.
/// Terminal.Gui gives some clusters fewer cells than that (<see cref="ToolkitWidth"/>): the pane pads them
/// (<see cref="Padding"/>); a cluster it gives more cells than the terminal draws (a ZWJ sequence that starts with a
/// narrow character, such as 🏳️‍🌈: 2 against 1) cannot be drawn in step with the terminal, so
/// <see cref="Drawable"/> shows its joiners as escapes. Thread-safe (pure).
/// </summary>
internal static class TerminalCells
{
    private const int ZeroWidthJoiner = 0x200D;

    public static IEnumerable<string> Clusters(string text)
    {
        TextElementEnumerator clusters = StringInfo.GetTextElementEnumerator(text);
        while (clusters.MoveNext())
        {
            yield return clusters.GetTextElement();
        }
    }

    /// <summary>The cells the terminal draws for one cluster.</summary>
    public static int Width(string cluster)
    {
        int cells = 0;
        bool joined = false;
        foreach (Rune rune in cluster.EnumerateRunes())
        {
            int value = rune.Value;
            if (!joined)
            {
                cells += value switch
                {
                    ZeroWidthJoiner or (>= 0xFE00 and <= 0xFE0F) or (>= 0xE0000 and <= 0xE007F) => 0,
                    >= 0x1F3FB and <= 0x1F3FF => 2,
                    _ => Math.Max(rune.GetColumns(), 0),
                };
            }

            joined = value == ZeroWidthJoiner;
        }

        return cells;
    }

    /// <summary>The cells of a run of text: the sum over its clusters.</summary>
    public static int Width(ReadOnlySpan<char> text)
    {
        int cells = 0;
        foreach (string cluster in Clusters(text.ToString()))
        {
            cells += Width(cluster);
        }

        return cells;
    }

    /// <summary>The cells Terminal.Gui gives the cluster when it is drawn as one cell's grapheme.</summary>
    public static int ToolkitWidth(string cluster) => Math.Max(cluster.GetColumns(), 0);

    /// <summary>The empty cells to draw after the cluster so the toolkit's columns stay in step with the terminal's.</summary>
    public static int Padding(string cluster) => Math.Max(Width(cluster) - Math.Max(ToolkitWidth(cluster), 1), 0);

    /// <summary>
    /// The text with each cluster the toolkit would draw wider than the terminal does shown with its joiners as
    /// <c>\u{200D}</c>, the escape the rest of the app uses, so no row is drawn out of step. The same instance when no
    /// cluster needs it.
    /// </summary>
    public static string Drawable(string text)
    {
        if (text.All(char.IsAscii))
        {
            return text;
        }

        StringBuilder? drawable = null;
        int at = 0;
        foreach (string cluster in Clusters(text))
        {
            if (cluster.Contains('\u200D', StringComparison.Ordinal) && ToolkitWidth(cluster) > Width(cluster))
            {
                drawable ??= new StringBuilder(text, 0, at, text.Length + 16);
                drawable.Append(cluster.Replace("\u200D", @"\u{200D}", StringComparison.Ordinal));
            }
            else
            {
                drawable?.Append(cluster);
            }

            at += cluster.Length;
        }

        return drawable?.ToString() ?? text;
    }
}
