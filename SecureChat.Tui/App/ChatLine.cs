using SecureChat.Engine.Chat;

namespace SecureChat.Tui.App;

/// <summary>
/// One line the model asks a view to show; <see cref="Sender"/> is empty but for messages. Every line a view gets is
/// made here, and here everything in it is made safe to show (<see cref="SafeText"/>): <see cref="Text"/> is one
/// line whatever the peer sent (a line break shows as <c>\n</c>), <see cref="Lines"/> keeps a multi-line message's
/// lines apart (each made safe) for a view that shows them as lines of one entry, and <see cref="Sender"/> cannot
/// pass for one of our notices. No view needs to filter anything. For headless mode's <c>--json</c> lines each line
/// also names its <see cref="Event"/> and carries its <see cref="Fields"/>, and keeps the text and sender as they
/// were sent (<see cref="RawText"/>, <see cref="RawSender"/>), which only <c>--json</c> lines may write out (escaped for JSON and the terminal).
/// Immutable.
/// </summary>
internal sealed record ChatLine
{
    public ChatLine(LineKind kind, string text, string sender, DateTimeOffset time)
    {
        Kind = kind;
        RawText = text;
        RawSender = sender;
        Text = SafeText.OneLine(text);
        Lines = SafeText.Lines(text);
        Sender = sender.Length == 0 ? string.Empty : SafeText.Name(sender);
        Time = time;
        Event = kind switch
        {
            LineKind.Message => "message",
            LineKind.Own => "own",
            LineKind.Error => "error",
            _ => "notice",
        };
    }

    public LineKind Kind { get; }

    /// <summary>The text on one line, safe to print.</summary>
    public string Text { get; }

    /// <summary>The text's own lines (one for most messages), each safe to print.</summary>
    public IReadOnlyList<string> Lines { get; }

    public string Sender { get; }

    public DateTimeOffset Time { get; }

    /// <summary>The text as it was sent or said: never printed as it is (only escaped, in <c>--json</c> lines).</summary>
    public string RawText { get; }

    /// <summary>The sender's name as it was sent: never printed as it is.</summary>
    public string RawSender { get; }

    /// <summary>What happened, as <c>--json</c> names it (README lists them): message, me, join, error, ...</summary>
    public string Event { get; init; }

    /// <summary>
    /// What <c>--json</c> adds to the line's time, event, sender and text: each field's name and value (a string, a
    /// number, a flag, or a list of strings), in order; values a peer controls are written through
    /// the same escaping as the text.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, object?>> Fields { get; init; } = [];

    /// <summary>The line repeats, for a person, what a line before it carries in its fields: <c>--json</c> leaves it out.</summary>
    public bool Repeats { get; init; }

    /// <summary>A client's message written by the server's operator (not relayed): headless mode marks its sender so.</summary>
    public bool FromOperator { get; init; }

    /// <summary>The window the line belongs in (<see cref="WindowInfo.Key"/>): a room, a query, or the status window (empty).</summary>
    public string Window { get; init; } = WindowInfo.StatusKey;

    /// <summary>A message that names this side's user: highlighted, and it rings with <c>--bell</c>.</summary>
    public bool Mention { get; init; }

    /// <summary>
    /// This side's own message's number in the run (1, 2, ...; 0 for every other line): <see cref="IChatView.Update"/>
    /// replaces the shown line of the same number, to mark it.
    /// </summary>
    public long Id { get; init; }

    /// <summary>A line shown again from the history: neither counted as unread nor rung for, and not kept a second time.</summary>
    public bool Kept { get; init; }

    /// <summary>An own message typed while the connection was away: shown at once, sent once it is secure again.</summary>
    public bool Pending { get; init; }

    /// <summary>An own message the hub has acknowledged (it received it): shown with a mark.</summary>
    public bool Acknowledged { get; init; }

    public static ChatLine Notice(string text) => new(LineKind.Notice, text, string.Empty, DateTimeOffset.Now);

    public static ChatLine Error(string text) => new(LineKind.Error, text, string.Empty, DateTimeOffset.Now);

    /// <summary>A notice that <c>--json</c> names <paramref name="kind"/>, with <paramref name="fields"/>.</summary>
    public static ChatLine Of(string kind, string text, params KeyValuePair<string, object?>[] fields) =>
        Notice(text) with { Event = kind, Fields = fields };

    /// <summary>One field for <see cref="Fields"/>.</summary>
    public static KeyValuePair<string, object?> Field(string name, object? value) => new(name, value);
}
