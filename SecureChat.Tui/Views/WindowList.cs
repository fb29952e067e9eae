using Terminal.Gui.Drawing;
using Terminal.Gui.ViewBase;
using Attribute = Terminal.Gui.Drawing.Attribute;

namespace SecureChat.Tui.Views;

/// <summary>
/// The list of windows, each as <c>N:title</c> and, when messages arrived in it since it was last shown, their count
/// (<c>3:#dev 5</c>). <see cref="Vertical"/>: one window a row with a rule on the right (the side pane of a wide
/// terminal); else one row of entries (the tab bar of a narrow one), scrolled so the shown window is always on it.
/// The shown window is drawn reversed; a window with unread messages bold; one where the user was named in yellow
/// on the terminal's background, bold and underlined (underlined and bold alone with NO_COLOR), until it is shown.
/// Not thread-safe: UI thread only.
/// </summary>
internal sealed class WindowList : View
{
    /// <summary>The side pane's width, its rule included.</summary>
    public const int SideWidth = 16;

    /// <summary>The narrowest terminal that gets the side pane; narrower ones get the tab bar.</summary>
    public const int SideMinimumWidth = 100;

    private readonly WindowPanes _windows;

    public WindowList(WindowPanes windows)
    {
        _windows = windows;
        CanFocus = false;
        windows.Changed += SetNeedsDraw;
    }

    /// <summary>One window a row (the side pane) rather than one row for all (the tab bar).</summary>
    public bool Vertical { get; set; }

    /// <summary>Whether a mention is drawn in colour (off with NO_COLOR).</summary>
    public bool Colour { get; set; } = NameColours.Enabled;

    /// <summary>The colour of a window's entry in the list while a message there names the user.</summary>
    public const ColorName16 MentionColour = ColorName16.Yellow;

    /// <summary>"3:#dev 5": the window's number, its title and its unread count (none when 0).</summary>
    public static string Entry(int number, PaneWindow window) =>
        window.Unread > 0 ? $"{number}:{window.Title} {window.Unread}" : $"{number}:{window.Title}";

    protected override bool OnDrawingContent(DrawContext? context)
    {
        Attribute normal = GetAttributeForRole(VisualRole.Normal);
        SetAttribute(normal);
        ClearViewport();
        if (Vertical)
        {
            DrawSide(normal);
        }
        else
        {
            DrawBar(normal);
        }

        SetAttribute(normal);
        return true;
    }

    private void DrawSide(Attribute normal)
    {
        int width = Viewport.Width - 1;
        IReadOnlyList<PaneWindow> all = _windows.All;

        // A list longer than the pane scrolls so the shown window stays in view.
        int first = Math.Max(0, Math.Min(_windows.CurrentNumber - Viewport.Height, all.Count - Viewport.Height));
        for (int row = 0; row < Viewport.Height && first + row < all.Count; row++)
        {
            int number = first + row + 1;
            PaneWindow window = all[number - 1];
            SetAttribute(AttributeOf(window, normal));
            Move(0, row);
            AddStr(TerminalCells.Drawable(Fit(Entry(number, window), width)));
        }

        SetAttribute(normal);
        for (int row = 0; row < Viewport.Height; row++)
        {
            Move(width, row);
            AddStr("│");
        }
    }

    private void DrawBar(Attribute normal)
    {
        IReadOnlyList<PaneWindow> all = _windows.All;
        string[] entries = [.. all.Select((w, i) => Entry(i + 1, w))];
        int current = _windows.CurrentNumber - 1;

        // Start as far left as lets the shown window's entry end on the row.
        int start = 0;
        int Span(int from) => entries.Skip(from).Take(current - from + 1).Sum(e => TerminalCells.Width(e.AsSpan()) + 1);
        while (start < current && Span(start) > Viewport.Width)
        {
            start++;
        }

        int column = 0;
        for (int i = start; i < entries.Length && column < Viewport.Width; i++)
        {
            string text = Fit(entries[i], Viewport.Width - column);
            SetAttribute(AttributeOf(all[i], normal));
            Move(column, 0);
            AddStr(TerminalCells.Drawable(text));
            column += TerminalCells.Width(text.AsSpan()) + 1;
        }
    }

    private Attribute AttributeOf(PaneWindow window, Attribute normal)
    {
        bool current = ReferenceEquals(window, _windows.Current);
        TextStyle style = current ? TextStyle.Reverse : TextStyle.None;
        if (window.Mentioned)
        {
            style |= TextStyle.Bold | TextStyle.Underline;
            return Colour ? new Attribute(new Color(MentionColour), normal.Background, style) : new Attribute(normal.Foreground, normal.Background, style);
        }

        if (window.Unread > 0)
        {
            style |= TextStyle.Bold;
        }

        return new Attribute(normal.Foreground, normal.Background, style);
    }

    /// <summary><paramref name="text"/> cut with an ellipsis to at most <paramref name="cells"/> terminal cells.</summary>
    private static string Fit(string text, int cells)
    {
        if (cells <= 0)
        {
            return string.Empty;
        }

        if (TerminalCells.Width(text.AsSpan()) <= cells)
        {
            return text;
        }

        var fitted = new System.Text.StringBuilder();
        int used = 0;
        foreach (string cluster in TerminalCells.Clusters(text))
        {
            int width = TerminalCells.Width(cluster);
            if (used + width > cells - 1)
            {
                break;
            }

            fitted.Append(cluster);
            used += width;
        }

        return fitted.Append('…').ToString();
    }
}
