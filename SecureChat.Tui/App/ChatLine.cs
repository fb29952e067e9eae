using SecureChat.Engine.Chat;

namespace SecureChat.Tui.App;

/// <summary>
/// One line the model asks a view to show; <see cref="Sender"/> is empty but for messages. Every line a view gets is
/// made here, and here everything in it is made safe to show (<see cref="SafeText"/>): <see cref="Text"/> is one
/// line whatever the peer sent (a line break shows as <c>\n</c>), <see cref="Lines"/> keeps a multi-line message's
/// lines apart (each made safe) for a view that shows them as lines of one entry, and <see cref="Sender"/> cannot
/// pass for one of our notices. No view needs to filter anything. Immutable.
/// </summary>
internal sealed record ChatLine
{
    public ChatLine(LineKind kind, string text, string sender, DateTimeOffset time)
    {
        Kind = kind;
        Text = SafeText.OneLine(text);
        Lines = SafeText.Lines(text);
        Sender = sender.Length == 0 ? string.Empty : SafeText.Name(sender);
        Time = time;
    }

    public LineKind Kind { get; }

    /// <summary>The text on one line, safe to print.</summary>
    public string Text { get; }

    /// <summary>The text's own lines (one for most messages), each safe to print.</summary>
    public IReadOnlyList<string> Lines { get; }

    public string Sender { get; }

    public DateTimeOffset Time { get; }

    public static ChatLine Notice(string text) => new(LineKind.Notice, text, string.Empty, DateTimeOffset.Now);

    public static ChatLine Error(string text) => new(LineKind.Error, text, string.Empty, DateTimeOffset.Now);
}
