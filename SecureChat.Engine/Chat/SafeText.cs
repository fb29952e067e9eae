using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace SecureChat.Engine.Chat;

/// <summary>
/// The one place that makes text a peer controls (messages, names, anything quoted from the wire) safe to show on a
/// terminal, like a browser escaping untrusted HTML: the app passes every such string through here before any view
/// sees it, and trusts no sender to have filtered it. Thread-safe (pure).
/// </summary>
/// <remarks>
/// Shown as a visible escape instead of being passed to the terminal (<see cref="IsNeutralised"/>): C0 and C1
/// controls, DEL, ESC (so no CSI, OSC 0 window title or OSC 52 clipboard sequence survives), every format
/// character (Unicode category Cf: bidi embeddings, overrides, isolates and marks U+200E/U+200F/U+202A-202E/
/// U+2066-2069/U+061C, zero-width space/joiners, word joiner, BOM, tags), the line and paragraph separators
/// U+2028/U+2029, lone surrogates, private-use and unassigned code points (their width is unknown, so they could
/// push a border), the emoji skin-tone modifiers U+1F3FB-1F3FF, and the remaining default-ignorable code points
/// (Hangul fillers, variation selectors, ...), which draw as nothing. The exceptions are the joiners, presentation
/// selectors, skin tones and tags inside an emoji sequence (<see cref="EmojiSequences"/>): there they are part of
/// the emoji (👍🏽 👩‍💻 ❤️ 🏳️‍🌈) and are kept; anywhere else they are escaped, and bidi controls always are. The
/// escapes are <c>\t</c>, <c>\n</c>, <c>\r</c> and
/// <c>\u{XXXX}</c> (the code point in upper-case hex, at least four digits: <c>\u{001B}</c>, <c>\u{1F3FD}</c>), and a
/// backslash itself shows as <c>\\</c>, so a typed <c>\n</c> (<c>\\n</c> shown) can never be read as an escaped line
/// break. What remains has a defined width on a terminal: letters, marks, digits, punctuation, symbols, spaces and
/// emoji sequences.
/// </remarks>
public static class SafeText
{
    private static readonly SearchValues<char> s_noStop = SearchValues.Create(string.Empty);

    /// <summary>
    /// The text on one line: nothing in it can start a new line, move the cursor, change colours or reorder what
    /// follows. A multi-line message becomes one line with visible <c>\n</c> escapes.
    /// </summary>
    public static string OneLine(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!NeedsEscaping(text))
        {
            return text;
        }

        int[] codePoints = [.. CodePoints(text)];
        bool[]? kept = EmojiSequences.Kept(codePoints);
        if (kept is not null && !NeedsEscaping(codePoints, kept))
        {
            return text;
        }

        var safe = new StringBuilder(text.Length + 16);
        Append(safe, codePoints, kept);
        return safe.ToString();
    }

    /// <summary>
    /// The text split at its line breaks (LF or CR LF), each line made safe as by <see cref="OneLine"/>, for a view
    /// that shows a multi-line message as several lines of one entry. Never empty.
    /// </summary>
    public static IReadOnlyList<string> Lines(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = i < lines.Length - 1 && lines[i].EndsWith('\r') ? lines[i][..^1] : lines[i];
            lines[i] = OneLine(line);
        }

        return lines;
    }

    /// <summary>
    /// A name as it may be shown: a valid name (<see cref="NameRules.IsValid"/>) unchanged; anything else (sent by a
    /// peer that does not follow the rules) made safe as by <see cref="OneLine"/>, with every character that could
    /// make it look like one of our notices (a first character that is not a letter, digit or emoji; a bracket,
    /// <c>:</c> or lookalike that could end the sender part of a line) escaped too, and an empty name shown
    /// as <c>""</c>.
    /// </summary>
    public static string Name(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (NameRules.IsValid(name) && !name.Contains('\\', StringComparison.Ordinal))
        {
            return name;
        }

        if (name.Length == 0)
        {
            return "\"\"";
        }

        var safe = new StringBuilder(name.Length + 16);
        bool first = true;
        foreach (int value in CodePoints(name))
        {
            bool reservedStart = first && NameRules.IsReservedStart(value);
            if (value == '\\')
            {
                safe.Append(@"\\");
            }
            else if (IsNeutralised(value) || reservedStart || NameRules.IsReservedInside(value))
            {
                AppendEscape(safe, value);
            }
            else
            {
                safe.Append(char.ConvertFromUtf32(value));
            }

            first = false;
        }

        return safe.ToString();
    }

    /// <summary>
    /// The UTF-16 index in <paramref name="text"/> of the first code point <see cref="OneLine"/> would show as an
    /// escape (a joiner, selector, skin tone or tag inside an emoji sequence is text, not an escape), or -1 when there
    /// is none. For an encoder that must escape exactly what the text mode escapes.
    /// </summary>
    public static int FirstNeutralised(ReadOnlySpan<char> text) => FirstNeutralised(text, s_noStop, out _);

    /// <summary>
    /// The same, or the index of the first character in <paramref name="stopAt"/> when that comes first: for an
    /// encoder that escapes a few more characters of its own (JSON's quote and backslash). The search stops there,
    /// looking at most <see cref="EmojiSequences.ReachMax"/> code points further, so an encoder that calls it again
    /// on what follows each escape does work in proportion to the text, however many escapes a peer packs into it.
    /// </summary>
    public static int FirstNeutralised(ReadOnlySpan<char> text, SearchValues<char> stopAt) => FirstNeutralised(text, stopAt, out _);

    /// <summary>The same, with how many code points the search decoded (<paramref name="examined"/>).</summary>
    internal static int FirstNeutralised(ReadOnlySpan<char> text, SearchValues<char> stopAt, out int examined)
    {
        ArgumentNullException.ThrowIfNull(stopAt);
        var codePoints = new List<int>();
        var starts = new List<int>();
        int decoded = 0;
        for (int i = 0; ; i++)
        {
            // Decode only up to the code point looked at, and past it only the few that can decide whether it is kept.
            while (codePoints.Count <= i && decoded < text.Length)
            {
                decoded = Decode(text, decoded, codePoints, starts);
            }

            if (i == codePoints.Count)
            {
                examined = codePoints.Count;
                return -1;
            }

            if (stopAt.Contains(text[starts[i]]))
            {
                examined = codePoints.Count;
                return starts[i];
            }

            if (!IsNeutralised(codePoints[i]))
            {
                continue;
            }

            if (EmojiSequences.MayBeKept(codePoints[i]))
            {
                while (codePoints.Count <= i + EmojiSequences.ReachMax && decoded < text.Length)
                {
                    decoded = Decode(text, decoded, codePoints, starts);
                }

                if (EmojiSequences.IsKept(CollectionsMarshal.AsSpan(codePoints), i))
                {
                    continue;
                }
            }

            examined = codePoints.Count;
            return starts[i];
        }
    }

    /// <summary>True when <paramref name="rune"/> is shown as an escape, never passed to the terminal as it is.</summary>
    public static bool IsNeutralised(Rune rune) => IsNeutralised(rune.Value);

    /// <summary>The same for a code point; a surrogate value (only ever from a lone surrogate) is always neutralised.</summary>
    internal static bool IsNeutralised(int value)
    {
        if (value is >= 0xD800 and <= 0xDFFF || value is >= 0x1F3FB and <= 0x1F3FF)
        {
            // Emoji skin-tone modifiers on their own: only right after an emoji modifier base are they part of an
            // emoji (EmojiSequences); alone, terminals disagree on their width.
            return true;
        }

        switch (CharUnicodeInfo.GetUnicodeCategory(value))
        {
            case UnicodeCategory.Control:
            case UnicodeCategory.Format:
            case UnicodeCategory.LineSeparator:
            case UnicodeCategory.ParagraphSeparator:
            case UnicodeCategory.Surrogate:
            case UnicodeCategory.PrivateUse:
            case UnicodeCategory.OtherNotAssigned:
                return true;
            default:
                return UnicodeTables.IsDefaultIgnorable(value);
        }
    }

    /// <summary>
    /// The text's code points in order; a lone surrogate (which no <see cref="Rune"/> can hold) comes out as its own
    /// surrogate value, so it is escaped as what it is.
    /// </summary>
    internal static IEnumerable<int> CodePoints(string text)
    {
        for (int i = 0; i < text.Length;)
        {
            if (Rune.TryGetRuneAt(text, i, out Rune rune))
            {
                yield return rune.Value;
                i += rune.Utf16SequenceLength;
            }
            else
            {
                yield return text[i];
                i++;
            }
        }
    }

    /// <summary>Appends the code point at <paramref name="at"/> (a lone surrogate as its own value) and where it starts; the index after it.</summary>
    private static int Decode(ReadOnlySpan<char> text, int at, List<int> codePoints, List<int> starts)
    {
        starts.Add(at);
        if (Rune.DecodeFromUtf16(text[at..], out Rune rune, out int used) == OperationStatus.Done)
        {
            codePoints.Add(rune.Value);
            return at + used;
        }

        codePoints.Add(text[at]);
        return at + 1;
    }

    private static bool NeedsEscaping(string text)
    {
        foreach (int value in CodePoints(text))
        {
            if (value == '\\' || IsNeutralised(value))
            {
                return true;
            }
        }

        return false;
    }

    private static bool NeedsEscaping(int[] codePoints, bool[] kept)
    {
        for (int i = 0; i < codePoints.Length; i++)
        {
            if (codePoints[i] == '\\' || (IsNeutralised(codePoints[i]) && !kept[i]))
            {
                return true;
            }
        }

        return false;
    }

    private static void Append(StringBuilder safe, int[] codePoints, bool[]? kept)
    {
        for (int i = 0; i < codePoints.Length; i++)
        {
            int value = codePoints[i];
            if (value == '\\')
            {
                safe.Append(@"\\");
            }
            else if (IsNeutralised(value) && (kept is null || !kept[i]))
            {
                AppendEscape(safe, value);
            }
            else
            {
                safe.Append(char.ConvertFromUtf32(value));
            }
        }
    }

    private static void AppendEscape(StringBuilder safe, int value)
    {
        switch (value)
        {
            case '\t':
                safe.Append("\\t");
                break;
            case '\n':
                safe.Append("\\n");
                break;
            case '\r':
                safe.Append("\\r");
                break;
            default:
                safe.Append(CultureInfo.InvariantCulture, $"\\u{{{value:X4}}}");
                break;
        }
    }
}
