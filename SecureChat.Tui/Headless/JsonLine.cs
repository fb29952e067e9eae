using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using SecureChat.Tui.App;

namespace SecureChat.Tui.Headless;

/// <summary>
/// Headless <c>--json</c>: one line, one JSON object (RFC 8259) per thing said, with <c>time</c> (ISO 8601, local,
/// with seconds and offset), <c>event</c>, <c>room</c> for a line of a room's window (<c>direct</c> and <c>with</c>,
/// the partner's identity, for a line of a direct conversation), then <c>from</c> when someone is named, the line's own fields
/// (<see cref="ChatLine.Fields"/>), and <c>text</c> last, written by <see cref="Utf8JsonWriter"/>. Every string is
/// escaped by <see cref="TerminalSafeJsonEncoder"/>, so a parser gets peers' text as it was sent while the line holds
/// nothing that acts on a terminal. Thread-safe (pure).
/// </summary>
internal static class JsonLine
{
    /// <summary>The time as every headless line gives it: 2026-12-07T05:15:09+01:00.</summary>
    public static string Time(DateTimeOffset time) =>
        time.ToLocalTime().ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private static readonly JsonWriterOptions s_options = new() { Encoder = TerminalSafeJsonEncoder.Instance };

    public static string Format(ChatLine line)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, s_options))
        {
            json.WriteStartObject();
            json.WriteString("time", Time(line.Time));
            json.WriteString("event", line.Event);
            if (line.Window.StartsWith('#') && !line.Fields.Any(f => f.Key == "room"))
            {
                json.WriteString("room", line.Window);
            }
            else if (line.Window.StartsWith('@'))
            {
                // A direct conversation: the partner's identity, whatever name they go by now.
                json.WriteBoolean("direct", true);
                json.WriteString("with", line.Window[1..]);
            }

            if (line.RawSender.Length > 0)
            {
                json.WriteString("from", line.RawSender);
            }

            foreach ((string name, object? value) in line.Fields)
            {
                Write(json, name, value);
            }

            string text = line.Event == "me" && line.RawText.StartsWith(ChatCommand.MePrefix, StringComparison.Ordinal)
                ? line.RawText[ChatCommand.MePrefix.Length..]
                : line.RawText;
            json.WriteString("text", text);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void Write(Utf8JsonWriter json, string name, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNull(name);
                break;
            case bool flag:
                json.WriteBoolean(name, flag);
                break;
            case int number:
                json.WriteNumber(name, number);
                break;
            case long number:
                json.WriteNumber(name, number);
                break;
            case string text:
                json.WriteString(name, text);
                break;
            case IEnumerable<string> texts:
                json.WriteStartArray(name);
                foreach (string text in texts)
                {
                    json.WriteStringValue(text);
                }

                json.WriteEndArray();
                break;
            default:
                json.WriteString(name, Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty);
                break;
        }
    }
}
