using System.Text;
using System.Text.RegularExpressions;

namespace SecureChat.Tui.Views;

/// <summary>
/// Word-wraps one line of text to a width in terminal cells, by grapheme cluster, each taking the cells the terminal
/// draws for it (<see cref="TerminalCells"/>: CJK and most emoji two, 👍🏽 four), breaking long words between
/// clusters when they do not fit: a cluster is never split across rows. A key fingerprint (eight groups of four hex digits) and a SAS ("SAS"
/// and four groups of three digits) are kept on one line, as they are read and compared as one; only when one is
/// wider than the line does it break, and then between its groups. Control characters become U+FFFD so a peer
/// cannot move the cursor. Thread-safe (pure).
/// </summary>
internal static partial class LineWrapper
{
    public static IReadOnlyList<string> Wrap(string text, int width, int indent)
    {
        width = Math.Max(width, 2);
        indent = indent < width / 2 ? indent : 0;
        text = TerminalCells.Drawable(Printable(text));
        HashSet<int> groupSpaces = GroupSpaces(text);
        var lines = new List<string>();
        var line = new StringBuilder();
        int column = 0;
        int lastSpaceIndex = -1;
        int lastSpaceColumn = 0;
        int lastGroupSpaceIndex = -1;
        int lastGroupSpaceColumn = 0;
        int at = 0;
        foreach (string cluster in TerminalCells.Clusters(text))
        {
            int index = at;
            at += cluster.Length;
            int cells = TerminalCells.Width(cluster);
            if (column + cells > width)
            {
                if (cluster == " " && !groupSpaces.Contains(index))
                {
                    lines.Add(line.ToString());
                    line.Clear().Append(' ', indent);
                    column = indent;
                    lastSpaceIndex = lastGroupSpaceIndex = -1;
                    continue;
                }

                // The last space that may break; failing that, a space between groups; failing that, a hard break.
                (int breakIndex, int breakColumn) = lastSpaceIndex >= 0 && lastSpaceColumn > indent ? (lastSpaceIndex, lastSpaceColumn)
                    : lastGroupSpaceIndex >= 0 && lastGroupSpaceColumn > indent ? (lastGroupSpaceIndex, lastGroupSpaceColumn)
                    : (-1, 0);
                string rest;
                if (breakIndex >= 0)
                {
                    lines.Add(line.ToString(0, breakIndex));
                    rest = line.ToString(breakIndex + 1, line.Length - breakIndex - 1);
                    column = indent + (column - breakColumn - 1);
                }
                else
                {
                    lines.Add(line.ToString());
                    rest = string.Empty;
                    column = indent;
                }

                line.Clear().Append(' ', indent).Append(rest);
                lastSpaceIndex = lastGroupSpaceIndex = -1;
                if (breakIndex >= 0)
                {
                    // Spaces between groups in the carried-over rest may still break if the rest is too long.
                    string carried = line.ToString();
                    int last = carried.LastIndexOf(' ');
                    if (last > indent)
                    {
                        (lastGroupSpaceIndex, lastGroupSpaceColumn) = (last, indent + TerminalCells.Width(carried.AsSpan(indent, last - indent)));
                    }
                }
            }

            if (cluster == " ")
            {
                if (groupSpaces.Contains(index))
                {
                    lastGroupSpaceIndex = line.Length;
                    lastGroupSpaceColumn = column;
                }
                else
                {
                    lastSpaceIndex = line.Length;
                    lastSpaceColumn = column;
                }
            }

            line.Append(cluster);
            column += cells;
        }

        lines.Add(line.ToString());
        return lines;
    }

    /// <summary>The indexes of the spaces inside fingerprints and SASes: no line breaks there while the whole fits.</summary>
    private static HashSet<int> GroupSpaces(string text)
    {
        var spaces = new HashSet<int>();
        foreach (Match match in Grouped().Matches(text))
        {
            for (int i = match.Index; i < match.Index + match.Length; i++)
            {
                if (text[i] == ' ')
                {
                    spaces.Add(i);
                }
            }
        }

        return spaces;
    }

    /// <summary>The text with each control character as U+FFFD, so a peer cannot move the cursor.</summary>
    private static string Printable(string text)
    {
        if (!text.Any(char.IsControl))
        {
            return text;
        }

        var printable = new StringBuilder(text.Length);
        foreach (Rune rune in text.EnumerateRunes())
        {
            printable.Append(Rune.IsControl(rune) ? "\uFFFD" : rune.ToString());
        }

        return printable.ToString();
    }

    [GeneratedRegex(@"\b[0-9A-F]{4}(?: [0-9A-F]{4}){7}\b|\bSAS [0-9]{3}(?: [0-9]{3}){3}\b", RegexOptions.CultureInvariant)]
    private static partial Regex Grouped();
}
