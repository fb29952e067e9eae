using System.Globalization;
using System.Text;

namespace SecureChat.Tui.Headless;

/// <summary>
/// Keeps one printed line one line: a newline in a message (or any control character a peer sent) never starts a
/// new output line, so a script reading headless output cannot be fooled into seeing a line nobody printed.
/// Backslash, newline, carriage return and tab are written as <c>\\</c>, <c>\n</c>, <c>\r</c>, <c>\t</c>; other
/// control characters as <c>\u{XXXX}</c>. A small local helper until the engine's general sanitizer (SafeText)
/// is routed through here. Thread-safe (pure).
/// </summary>
internal static class OneLine
{
    public static string Escape(string text)
    {
        int i = 0;
        while (i < text.Length && text[i] != '\\' && !char.IsControl(text[i]))
        {
            i++;
        }

        if (i == text.Length)
        {
            return text;
        }

        var escaped = new StringBuilder(text.Length + 16).Append(text, 0, i);
        for (; i < text.Length; i++)
        {
            char c = text[i];
            switch (c)
            {
                case '\\':
                    escaped.Append(@"\\");
                    break;
                case '\n':
                    escaped.Append(@"\n");
                    break;
                case '\r':
                    escaped.Append(@"\r");
                    break;
                case '\t':
                    escaped.Append(@"\t");
                    break;
                default:
                    if (char.IsControl(c))
                    {
                        escaped.Append(CultureInfo.InvariantCulture, $"\\u{{{(int)c:X4}}}");
                    }
                    else
                    {
                        escaped.Append(c);
                    }

                    break;
            }
        }

        return escaped.ToString();
    }
}
