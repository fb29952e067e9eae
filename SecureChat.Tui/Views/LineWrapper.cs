using System.Text;
using Terminal.Gui.Text;

namespace SecureChat.Tui.Views;

/// <summary>
/// Word-wraps one line of text to a width in terminal cells (wide characters such as emoji and CJK count two),
/// breaking long words when they do not fit. Control characters become U+FFFD so a peer cannot move the cursor.
/// Thread-safe (pure).
/// </summary>
internal static class LineWrapper
{
    public static IReadOnlyList<string> Wrap(string text, int width, int indent)
    {
        width = Math.Max(width, 2);
        indent = indent < width / 2 ? indent : 0;
        var lines = new List<string>();
        var line = new StringBuilder();
        int column = 0;
        int lastSpaceIndex = -1;
        int lastSpaceColumn = 0;
        foreach (Rune raw in text.EnumerateRunes())
        {
            Rune rune = Rune.IsControl(raw) ? new Rune(0xFFFD) : raw;
            int cells = Math.Max(rune.GetColumns(), 0);
            if (column + cells > width)
            {
                string rest;
                if (rune.Value == ' ')
                {
                    lines.Add(line.ToString());
                    line.Clear().Append(' ', indent);
                    column = indent;
                    lastSpaceIndex = -1;
                    continue;
                }

                if (lastSpaceIndex >= 0 && lastSpaceColumn > indent)
                {
                    lines.Add(line.ToString(0, lastSpaceIndex));
                    rest = line.ToString(lastSpaceIndex + 1, line.Length - lastSpaceIndex - 1);
                    column = indent + (column - lastSpaceColumn - 1);
                }
                else
                {
                    lines.Add(line.ToString());
                    rest = string.Empty;
                    column = indent;
                }

                line.Clear().Append(' ', indent).Append(rest);
                lastSpaceIndex = -1;
            }

            if (rune.Value == ' ')
            {
                lastSpaceIndex = line.Length;
                lastSpaceColumn = column;
            }

            line.Append(rune.ToString());
            column += cells;
        }

        lines.Add(line.ToString());
        return lines;
    }
}
