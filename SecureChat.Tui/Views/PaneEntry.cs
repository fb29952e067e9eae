using SecureChat.Tui.App;

namespace SecureChat.Tui.Views;

/// <summary>
/// One entry of the message pane and its wrapped lines for the last width it was drawn at (computed lazily,
/// so appending costs nothing but the entry). Not thread-safe: UI thread only.
/// </summary>
internal sealed class PaneEntry(DateTimeOffset time, string sender, string text, LineKind kind)
{
    /// <summary>An entry for a line: a multi-line message keeps its lines (each made safe by <see cref="ChatLine"/>).</summary>
    public PaneEntry(ChatLine line)
        : this(line.Time, line.Sender, string.Join('\n', line.Lines), line.Kind)
    {
        Id = line.Id;
        Mention = line.Mention;
        Kept = line.Kept;
        Mark = line.Pending ? PendingMark : line.Acknowledged ? AcknowledgedMark : string.Empty;
    }

    /// <summary>After an own message that waits for the connection to be secure again.</summary>
    public const string PendingMark = " (pending)";

    /// <summary>After an own message the hub has acknowledged.</summary>
    public const string AcknowledgedMark = " ✓";

    /// <summary>A message that names the user: drawn highlighted, and it rings with <c>--bell</c>.</summary>
    public bool Mention { get; }

    /// <summary>A line shown again from the history (<see cref="ChatLine.Kept"/>).</summary>
    public bool Kept { get; }

    /// <summary>The own line's number (<see cref="ChatLine.Id"/>), 0 for every other entry.</summary>
    public long Id { get; }

    /// <summary>What follows an own message's text: <see cref="PendingMark"/>, <see cref="AcknowledgedMark"/> or nothing.</summary>
    public string Mark { get; } = string.Empty;

    private int _wrappedWidth = -1;
    private IReadOnlyList<string> _wrapped = [];

    public DateTimeOffset Time { get; } = time;

    public string Sender { get; } = sender;

    public string Text { get; } = text;

    public LineKind Kind { get; } = kind;

    /// <summary>The line the pane adds when the day changes: the date alone, without a time.</summary>
    public bool IsDateLine { get; init; }

    /// <summary>
    /// "12:34 &lt;name&gt; text" for messages, "12:34 * &lt;name&gt; action" for <c>/me</c>, "12:34 -!- text" for notices and
    /// "12:34 ! text" for errors. A member's line always has the name in brackets drawn here, right after the time
    /// (or "* "), so no name or text can make it look like a notice, which only the app writes.
    /// </summary>
    public string Format()
    {
        if (IsDateLine)
        {
            return $"--- {Text} ---";
        }

        string time = Time.ToLocalTime().ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture);
        return Kind switch
        {
            LineKind.Message or LineKind.Own when IsAction => $"{time} * <{Sender}> {Text[ChatCommand.MePrefix.Length..]}{Mark}",
            LineKind.Message or LineKind.Own => $"{time} <{Sender}> {Text}{Mark}",
            LineKind.Error => $"{time} ! {Text}",
            _ => $"{time} -!- {Text}",
        };
    }

    /// <summary>Where the name (inside its brackets) is in the first line of <see cref="Format"/>: (start, length), or (0, 0) for no name.</summary>
    public (int Start, int Length) NameSpan => IsDateLine || Kind is not (LineKind.Message or LineKind.Own) ? (0, 0)
        : (IsAction ? NameOffset + 2 : NameOffset, Sender.Length);

    private bool IsAction => Text.StartsWith(ChatCommand.MePrefix, StringComparison.Ordinal);

    /// <summary>"12:34 &lt;" before the name.</summary>
    private const int NameOffset = 7;

    public IReadOnlyList<string> Lines(int width)
    {
        if (width != _wrappedWidth)
        {
            // A multi-line message keeps its lines; each wraps on its own, under the text.
            string[] parts = Format().Split('\n');
            var lines = new List<string>(LineWrapper.Wrap(parts[0], width, PaneIndent));
            string indent = new(' ', PaneIndent < width / 2 ? PaneIndent : 0);
            foreach (string part in parts.Skip(1))
            {
                lines.AddRange(LineWrapper.Wrap(indent + part, width, indent.Length));
            }

            _wrapped = lines;
            _wrappedWidth = width;
        }

        return _wrapped;
    }

    /// <summary>Continuation lines start under the text, after the time.</summary>
    public const int PaneIndent = 6;
}
