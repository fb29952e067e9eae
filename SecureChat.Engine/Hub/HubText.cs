using System.Globalization;
using System.Text;

namespace SecureChat.Engine.Hub;

/// <summary>The bounds a hub puts on texts it repeats to others (reasons, topics). Thread-safe (pure).</summary>
internal static class HubText
{
    /// <summary>Most UTF-8 bytes of a reason or topic (a <c>str8</c> field).</summary>
    public const int ShortTextMax = 255;

    /// <summary><paramref name="text"/> cut to <see cref="ShortTextMax"/> bytes at a character (text element) boundary.</summary>
    public static string Cut(string text)
    {
        if (Encoding.UTF8.GetByteCount(text) <= ShortTextMax)
        {
            return text;
        }

        var kept = new StringBuilder();
        int bytes = 0;
        TextElementEnumerator e = StringInfo.GetTextElementEnumerator(text);
        while (e.MoveNext())
        {
            string element = e.GetTextElement();
            int size = Encoding.UTF8.GetByteCount(element);
            if (bytes + size > ShortTextMax)
            {
                break;
            }

            kept.Append(element);
            bytes += size;
        }

        return kept.ToString();
    }
}
