using SecureChat.Engine.Transport;
using SecureChat.Tui.App;
using Terminal.Gui.ViewBase;

namespace SecureChat.Tui.Views;

/// <summary>The chat screen's windows: their panes, the window list's layout, and where lines go (see the type's main file).</summary>
internal sealed partial class ChatWindow
{
    /// <summary>The rooms Tab completes: those of the open room windows.</summary>
    private IEnumerable<string> Rooms => Windows.All.Where(w => w.Info.Kind == WindowKind.Room).Select(w => w.Title);

    /// <summary>Puts a line in its window (<see cref="ChatLine.Window"/>), opening the window if the model has not.</summary>
    public void Append(ChatLine line) => Windows.Append(line);

    /// <summary>
    /// Opens a window or updates its title and trust. A new room window is shown when the status window was shown
    /// (the first room) or the user's last line was <c>/join</c>; a new query when it was <c>/query</c>; any other new
    /// window (someone's direct message) opens in the list without taking the screen.
    /// </summary>
    public void OpenWindow(WindowInfo info)
    {
        bool opened = Windows.Open(info);
        bool show = opened && (info.Kind, _opening) switch
        {
            (WindowKind.Room, WindowKind.Room) or (WindowKind.Query, WindowKind.Query) => true,
            (WindowKind.Room, _) => Windows.Current.Info.Kind == WindowKind.Status,
            _ => false,
        };
        if (show)
        {
            _opening = null;
            if (Windows.Current.Info.Kind == WindowKind.Status && Windows.Find(info.Key) is { } first)
            {
                // The first room shown takes over from the status window: what was said there so far (the connection,
                // the address a server listens on) stays in view above the room's own lines.
                foreach (PaneEntry entry in Windows.Current.Pane.Entries.Where(e => !e.IsDateLine).ToList())
                {
                    first.Pane.Append(entry);
                }
            }

            Windows.Show(Windows.All.Count);
        }
        else if (ReferenceEquals(Windows.Find(info.Key), Windows.Current))
        {
            // The shown window's title or trust changed.
            OnSwitched(Windows.Current, Windows.Current);
        }
    }

    /// <summary>Closes a window and its scrollback (never the status window); the window shown before it is shown again.</summary>
    public void CloseWindow(string key) => Windows.Close(key);

    /// <summary>Shows window <paramref name="number"/> (<c>/window N</c>); an error line when there is none.</summary>
    public void ShowWindow(int number)
    {
        if (!Windows.Show(number))
        {
            Pane.Append(new PaneEntry(ChatLine.Error($"there is no window {number}: the windows are 1 to {Windows.All.Count}")));
        }
    }

    private MessagePane NewPane()
    {
        var pane = new MessagePane(_paneCapacity) { Visible = false };
        Position(pane, _side == true);
        pane.Appended += entry => Appended?.Invoke(entry);
        Add(pane);
        return pane;
    }

    /// <summary>The side pane on the left of the panes (<paramref name="side"/>), or the tab bar between the pane and the input line.</summary>
    private void Arrange(bool side)
    {
        if (_side == side)
        {
            return;
        }

        _side = side;
        _list.Vertical = side;
        _list.X = 0;
        _list.Y = side ? 0 : Pos.AnchorEnd(3);
        _list.Width = side ? WindowList.SideWidth : Dim.Fill();
        _list.Height = side ? Dim.Fill(2) : 1;
        foreach (PaneWindow window in Windows.All)
        {
            Position(window.Pane, side);
        }

        SetNeedsLayout();
    }

    private static void Position(MessagePane pane, bool side)
    {
        pane.X = side ? WindowList.SideWidth : 0;
        pane.Y = 0;
        pane.Width = Dim.Fill();
        pane.Height = Dim.Fill(side ? 2 : 3);
    }

    private void OnSwitched(PaneWindow before, PaneWindow now)
    {
        before.Pane.Visible = false;
        now.Pane.Visible = true;
        _completion = null;
        ShowWindowField();
        ShowTitle();
        SetNeedsDraw();
    }

    /// <summary>The status bar's window field: the shown window's number (which changes when one before it closes) and caption.</summary>
    private void ShowWindowField()
    {
        string text = $"{Windows.CurrentNumber}:{Windows.Current.Caption}";
        if (text != _windowText)
        {
            _windowText = text;
            FitStatus();
        }
    }

    /// <summary>
    /// Enter on a message over the size limit: refused where it is typed, so nothing is lost. The line stays in the
    /// input for editing and one error line says by how many bytes it is over.
    /// </summary>
    private bool RefuseOverLimit(string draft, bool pasted)
    {
        if (WindowCommands.MessageText(draft, pasted) is not { } text)
        {
            return false;
        }

        int bytes = System.Text.Encoding.UTF8.GetByteCount(text);
        if (bytes <= ChatOptions.MaxMessageBytes)
        {
            return false;
        }

        Pane.ScrollToEnd();
        Pane.Append(new PaneEntry(ChatLine.Error(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"not sent: {bytes - ChatOptions.MaxMessageBytes:N0} bytes over the limit of {ChatOptions.MaxMessageBytes:N0}; the message stays in the input line"))));
        return true;
    }
}
