using System.Globalization;
using System.Text;
using SecureChat.Engine.Chat;
using SecureChat.Tui.App;

namespace SecureChat.Tui.Headless;

/// <summary>
/// Headless <c>--json</c>: one line, one JSON object (RFC 8259) per thing said, with <c>time</c> (ISO 8601, local,
/// with seconds and offset), <c>event</c>, then <c>from</c> when someone is named, the line's own fields
/// (<see cref="ChatLine.Fields"/>), and <c>text</c> last. Every string goes through <see cref="SafeText.Json"/>, so
/// a parser gets peers' text as it was sent while the line holds nothing that acts on a terminal. Thread-safe (pure).
/// </summary>
internal static class JsonLine
{
    /// <summary>The time as every headless line gives it: 2026-12-07T05:15:09+01:00.</summary>
    public static string Time(DateTimeOffset time) =>
        time.ToLocalTime().ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    public static string Format(ChatLine line)
    {
        var json = new StringBuilder(128);
        json.Append('{');
        Append(json, "time", Time(line.Time), first: true);
        Append(json, "event", line.Event);
        if (line.RawSender.Length > 0)
        {
            Append(json, "from", line.RawSender);
        }

        foreach ((string name, object? value) in line.Fields)
        {
            Append(json, name, value);
        }

        string text = line.Event == "me" && line.RawText.StartsWith(ChatCommand.MePrefix, StringComparison.Ordinal)
            ? line.RawText[ChatCommand.MePrefix.Length..]
            : line.RawText;
        Append(json, "text", text);
        return json.Append('}').ToString();
    }

    private static void Append(StringBuilder json, string name, object? value, bool first = false)
    {
        if (!first)
        {
            json.Append(',');
        }

        json.Append('"').Append(SafeText.Json(name)).Append("\":");
        switch (value)
        {
            case null:
                json.Append("null");
                break;
            case bool flag:
                json.Append(flag ? "true" : "false");
                break;
            case int number:
                json.Append(number.ToString(CultureInfo.InvariantCulture));
                break;
            case string text:
                json.Append('"').Append(SafeText.Json(text)).Append('"');
                break;
            case IEnumerable<string> texts:
                json.Append('[').AppendJoin(',', texts.Select(t => "\"" + SafeText.Json(t) + "\"")).Append(']');
                break;
            default:
                json.Append('"').Append(SafeText.Json(Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty)).Append('"');
                break;
        }
    }
}
