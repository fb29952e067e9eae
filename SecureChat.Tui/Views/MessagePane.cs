using SecureChat.Tui.App;
using Terminal.Gui.Drawing;
using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;
using Attribute = Terminal.Gui.Drawing.Attribute;

namespace SecureChat.Tui.Views;

/// <summary>
/// The scrollback of a chat: a bounded list of entries drawn word-wrapped, in the terminal's own colours but for the
/// names of members (each its colour, see <see cref="NameColours"/>) and errors; no colour at all with NO_COLOR.
/// Appending costs time in proportion to the entry (wrapping happens at draw time, for visible lines only), so a
/// flood of messages does not slow the UI down as history grows. It follows new entries unless the user scrolled
/// up (PgUp/PgDn, mouse wheel); then the view stays where it is until scrolled back to the bottom.
/// Not thread-safe: UI thread only (engine events arrive through <c>IApplication.Invoke</c>).
/// </summary>
internal sealed class MessagePane : View
{
    public const int DefaultCapacity = 2000;
    private const int WheelLines = 3;

    private readonly LinkedList<PaneEntry> _entries = new();
    private readonly int _capacity;
    private bool _dropping;

    /// <summary>Wrapped lines between the bottom of the history and the bottom of the view; 0 follows new entries.</summary>
    private int _linesBelow;

    public MessagePane(int capacity = DefaultCapacity)
    {
        _capacity = capacity;
        CanFocus = false;
        Width = Dim.Fill();
    }

    /// <summary>Whether names and errors are drawn in colour (off with NO_COLOR, see <see cref="NameColours"/>).</summary>
    public bool Colour
    {
        get => _colour;
        set
        {
            _colour = value;
            SetNeedsDraw();
        }
    }

    private bool _colour = NameColours.Enabled;

    public int Count => _entries.Count;

    public bool IsFollowing => _linesBelow == 0;

    public IEnumerable<PaneEntry> Entries => _entries;

    /// <summary>A line was appended (with <c>--bell</c>, <see cref="AwayAlerts"/> counts the messages of others).</summary>
    public event Action<PaneEntry>? Appended;

    public void Append(PaneEntry entry)
    {
        if (_entries.Last?.Value is { } last && last.Time.ToLocalTime().Date != entry.Time.ToLocalTime().Date)
        {
            AddEntry(DateLine(entry.Time));
        }

        AddEntry(entry);
        if (!entry.Kept)
        {
            Appended?.Invoke(entry);
        }
    }

    /// <summary>
    /// Whether the view shows the oldest entry and older ones may be put above it (<see cref="Prepend"/>): the pane
    /// has dropped nothing and has room.
    /// </summary>
    public bool AtTopWithRoom
    {
        get
        {
            if (_dropping || _entries.Count >= _capacity)
            {
                return false;
            }

            int width = ContentWidth;
            int total = 0;
            foreach (PaneEntry entry in _entries)
            {
                total += entry.Lines(width).Count;
            }

            return total <= _linesBelow + Math.Max(Viewport.Height, 1);
        }
    }

    /// <summary>
    /// Puts older entries (oldest first) above the oldest one, with a date line where the day changes; the view stays
    /// on what it showed. Only as many as the pane has room for are put (the newest of them); returns how many.
    /// </summary>
    public int Prepend(IReadOnlyList<PaneEntry> older)
    {
        var added = new List<PaneEntry>();
        DateTime? day = null;
        foreach (PaneEntry entry in older)
        {
            DateTime date = entry.Time.ToLocalTime().Date;
            if (day is { } previous && previous != date)
            {
                added.Add(DateLine(entry.Time));
            }

            added.Add(entry);
            day = date;
        }

        if (day is { } last && _entries.First?.Value is { IsDateLine: false } first && first.Time.ToLocalTime().Date != last)
        {
            added.Add(DateLine(first.Time));
        }

        int room = Math.Max(0, _capacity - _entries.Count);
        int skip = Math.Max(0, added.Count - room);
        for (int i = added.Count - 1; i >= skip; i--)
        {
            _entries.AddFirst(added[i]);
        }

        SetNeedsDraw();
        return added.Count - skip;
    }

    private static PaneEntry DateLine(DateTimeOffset time) =>
        new(time, string.Empty, time.ToLocalTime().ToString("dddd d MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture), LineKind.Notice) { IsDateLine = true };

    private void AddEntry(PaneEntry entry)
    {
        _entries.AddLast(entry);
        if (_entries.Count > _capacity)
        {
            _entries.RemoveFirst();
            if (!_dropping)
            {
                // Said once, at the end, so it is seen; the count of lines kept is what --scrollback sets.
                _dropping = true;
                _entries.AddLast(new PaneEntry(entry.Time, string.Empty, $"older lines are dropped from now on: the last {_capacity} are kept (--scrollback N keeps more)", LineKind.Notice));
                _entries.RemoveFirst();
            }
        }

        if (_linesBelow > 0)
        {
            // Keep what the user is reading in place.
            _linesBelow += entry.Lines(ContentWidth).Count;
        }

        SetNeedsDraw();
    }

    /// <summary>
    /// Replaces the entry of an own line shown before (the same <see cref="ChatLine.Id"/>) with its new state: sent
    /// after it waited, or acknowledged by the hub. Nothing happens when that line has left the scrollback.
    /// </summary>
    public void Update(ChatLine line)
    {
        for (LinkedListNode<PaneEntry>? node = _entries.Last; node is not null; node = node.Previous)
        {
            if (node.Value.Id == line.Id && line.Id != 0)
            {
                var entry = new PaneEntry(line);
                if (_linesBelow > 0)
                {
                    _linesBelow += entry.Lines(ContentWidth).Count - node.Value.Lines(ContentWidth).Count;
                }

                node.Value = entry;
                SetNeedsDraw();
                return;
            }
        }
    }

    public void Clear()
    {
        _entries.Clear();
        _linesBelow = 0;
        SetNeedsDraw();
    }

    /// <summary>Scrolls by whole pages: negative is back in history.</summary>
    public void ScrollPages(int pages) => ScrollLines(pages * Math.Max(Viewport.Height - 1, 1));

    /// <summary>Scrolls by lines: negative is back in history.</summary>
    public void ScrollLines(int lines)
    {
        _linesBelow = Math.Max(0, _linesBelow - lines);
        SetNeedsDraw();
    }

    public void ScrollToEnd()
    {
        _linesBelow = 0;
        SetNeedsDraw();
    }

    private int ContentWidth => Math.Max(Viewport.Width, 10);

    protected override bool OnMouseEvent(Mouse mouse)
    {
        if (mouse.Flags.HasFlag(MouseFlags.WheeledUp))
        {
            ScrollLines(-WheelLines);
            return true;
        }

        if (mouse.Flags.HasFlag(MouseFlags.WheeledDown))
        {
            ScrollLines(WheelLines);
            return true;
        }

        return base.OnMouseEvent(mouse);
    }

    protected override bool OnDrawingContent(DrawContext? context)
    {
        int width = ContentWidth;
        int height = Viewport.Height;
        if (height <= 0)
        {
            return true;
        }

        // Walk back from the newest entry only as far as the lines we show (plus those scrolled past).
        var lines = new List<(string Text, PaneEntry Entry, bool First)>();
        int wanted = _linesBelow + height;
        for (LinkedListNode<PaneEntry>? node = _entries.Last; node is not null && lines.Count < wanted; node = node.Previous)
        {
            IReadOnlyList<string> wrapped = node.Value.Lines(width);
            for (int i = wrapped.Count - 1; i >= 0; i--)
            {
                lines.Add((wrapped[i], node.Value, i == 0));
            }
        }

        if (lines.Count < wanted)
        {
            // Scrolled past the oldest line: stop at the top.
            _linesBelow = Math.Max(0, lines.Count - height);
        }

        lines.Reverse();
        int first = Math.Max(0, lines.Count - _linesBelow - height);
        int count = Math.Min(height, lines.Count - first);
        Attribute normal = GetAttributeForRole(VisualRole.Normal);
        for (int row = 0; row < count; row++)
        {
            (string text, PaneEntry entry, bool isFirst) = lines[first + row];
            Attribute line = entry.Kind == LineKind.Error && Colour ? new Attribute(new Color(NameColours.Error), normal.Background)
                : entry.Mention ? MentionAttribute(normal)
                : normal;
            (int start, int length) = isFirst ? entry.NameSpan : (0, 0);
            start = Math.Min(start, text.Length);
            length = Math.Min(length, text.Length - start);
            int column = 0;
            SetAttribute(line);
            Draw(text[..start], row, ref column);
            if (length > 0)
            {
                ColorName16 name = entry.Kind == LineKind.Own ? NameColours.Own : NameColours.For(entry.Sender);
                SetAttribute(Colour ? new Attribute(new Color(name), normal.Background) : normal);
                Draw(text.Substring(start, length), row, ref column);
                SetAttribute(line);
            }

            Draw(text[(start + length)..], row, ref column);
        }

        if (_linesBelow > 0)
        {
            string more = $" ↓ {_linesBelow} more line(s): PgDn ";
            SetAttribute(Colour ? new Attribute(ColorName16.Black, ColorName16.Yellow) : new Attribute(normal.Background, normal.Foreground));
            Move(Math.Max(0, Viewport.Width - more.Length), height - 1);
            AddStr(more);
        }

        SetAttribute(normal);
        return true;
    }

    /// <summary>A line that names the user: bold in the mention colour (bold and underlined without colour), as in the window list.</summary>
    private Attribute MentionAttribute(Attribute normal) => Colour
        ? new Attribute(new Color(WindowList.MentionColour), normal.Background, TextStyle.Bold)
        : new Attribute(normal.Foreground, normal.Background, TextStyle.Bold | TextStyle.Underline);

    /// <summary>
    /// Draws wrapped text from <paramref name="column"/>, cluster by cluster in the cells the terminal draws for each
    /// (<see cref="TerminalCells"/>): where Terminal.Gui gives a cluster fewer cells (👍🏽: 2 against the terminal's
    /// 4), empty cells follow it, so the toolkit's columns, and the border after the text, stay where the terminal
    /// puts them.
    /// </summary>
    private void Draw(string text, int row, ref int column)
    {
        int runStart = 0;
        int runColumn = column;
        int at = 0;
        foreach (string cluster in TerminalCells.Clusters(text))
        {
            int padding = TerminalCells.Padding(cluster);
            int cells = TerminalCells.Width(cluster);
            at += cluster.Length;
            if (padding == 0)
            {
                column += cells;
                continue;
            }

            Move(runColumn, row);
            AddStr(text[runStart..at]);
            for (int pad = column + cells - padding; pad < column + cells; pad++)
            {
                EmptyCell(pad, row);
            }

            column += cells;
            runStart = at;
            runColumn = column;
        }

        Move(runColumn, row);
        AddStr(text[runStart..]);
    }

    /// <summary>A cell that draws nothing: it writes no character, so it takes none of the terminal's columns.</summary>
    private void EmptyCell(int column, int row)
    {
        if (App?.Driver is not { Contents: { } contents } || column >= Viewport.Width)
        {
            return;
        }

        System.Drawing.Point screen = ViewportToScreen(new System.Drawing.Point(column, row));
        if (screen.Y >= 0 && screen.Y < contents.GetLength(0) && screen.X >= 0 && screen.X < contents.GetLength(1))
        {
            contents[screen.Y, screen.X] = new Cell { Grapheme = string.Empty, Attribute = GetCurrentAttribute(), IsDirty = true };
        }
    }
}
