using SecureChat.Tui.App;

namespace SecureChat.Tui.Views;

/// <summary>
/// The windows of the full screen in the order they were opened (numbered from 1: the status window first, which
/// always exists), which one is shown, and the order they were shown in, so that closing the shown window goes back
/// to the one shown before it. A line for a window that is not open opens it (nothing the model says is lost).
/// Raises <see cref="Changed"/> after anything the window list draws changed and <see cref="Switched"/> when another
/// window is shown. Not thread-safe: UI thread only.
/// </summary>
internal sealed class WindowPanes
{
    private readonly List<PaneWindow> _windows = [];
    private readonly List<PaneWindow> _shown = [];
    private readonly Func<MessagePane> _newPane;

    /// <param name="newPane">Makes the scrollback of a new window (the screen adds it to itself).</param>
    public WindowPanes(Func<MessagePane> newPane)
    {
        _newPane = newPane;
        Current = new PaneWindow(new WindowInfo(WindowInfo.StatusKey, PaneWindow.StatusTitle, WindowKind.Status), newPane());
        _windows.Add(Current);
        _shown.Add(Current);
    }

    /// <summary>Something the window list shows changed: a window opened or closed, a title, a count.</summary>
    public event Action? Changed;

    /// <summary>Another window is shown: the one before and the one now.</summary>
    public event Action<PaneWindow, PaneWindow>? Switched;

    /// <summary>A window was closed: its pane is no longer used.</summary>
    public event Action<PaneWindow>? Closed;

    public IReadOnlyList<PaneWindow> All => _windows;

    /// <summary>The window shown.</summary>
    public PaneWindow Current { get; private set; }

    /// <summary>The shown window's number (1 for the first).</summary>
    public int CurrentNumber => _windows.IndexOf(Current) + 1;

    public PaneWindow? Find(string key) => _windows.Find(w => string.Equals(w.Key, key, StringComparison.Ordinal));

    /// <summary>Opens a window, or updates the title and trust of the open one with that key; true when it is new.</summary>
    public bool Open(WindowInfo info)
    {
        if (Find(info.Key) is { } open)
        {
            open.Info = open.Info.Kind == WindowKind.Status ? open.Info : info;
            Changed?.Invoke();
            return false;
        }

        _windows.Add(new PaneWindow(info, _newPane()));
        Changed?.Invoke();
        return true;
    }

    /// <summary>Closes a window (never the status window); when it was shown, the one shown before it is shown again.</summary>
    public void Close(string key)
    {
        if (Find(key) is not { } window || window.Info.Kind == WindowKind.Status)
        {
            return;
        }

        int index = _windows.IndexOf(window);
        _windows.Remove(window);
        _shown.RemoveAll(w => ReferenceEquals(w, window));
        if (ReferenceEquals(window, Current))
        {
            Show(_shown.Count > 0 ? _shown[^1] : _windows[Math.Min(index, _windows.Count) - 1]);
        }

        Closed?.Invoke(window);
        Changed?.Invoke();
    }

    /// <summary>Shows window <paramref name="number"/> (from 1); false when there is no such window.</summary>
    public bool Show(int number)
    {
        if (number < 1 || number > _windows.Count)
        {
            return false;
        }

        Show(_windows[number - 1]);
        return true;
    }

    /// <summary>Shows the next window (<paramref name="step"/> 1) or the previous one (-1), round to the other end.</summary>
    public void Move(int step)
    {
        int count = _windows.Count;
        Show(_windows[(((CurrentNumber - 1 + step) % count) + count) % count]);
    }

    public void Show(PaneWindow window)
    {
        PaneWindow before = Current;
        Current = window;
        window.Seen();
        _shown.RemoveAll(w => ReferenceEquals(w, window));
        _shown.Add(window);
        if (!ReferenceEquals(before, window))
        {
            Switched?.Invoke(before, window);
        }

        Changed?.Invoke();
    }

    /// <summary>
    /// Puts <paramref name="line"/> in its window's scrollback (opening the window if needed) and counts it there when
    /// that window is not shown. A line of the status window (connection notices, command answers, errors) is also
    /// shown in the window shown, as irssi shows them in the active window, so nothing the user must see is hidden.
    /// </summary>
    public PaneWindow Append(ChatLine line)
    {
        if (Find(line.Window) is not { } window)
        {
            Open(Implicit(line.Window));
            window = Find(line.Window)!;
        }

        window.Pane.Append(new PaneEntry(line));
        if (line.Window == WindowInfo.StatusKey && !ReferenceEquals(window, Current))
        {
            Current.Pane.Append(new PaneEntry(line));
        }

        if (!ReferenceEquals(window, Current) && line.Kind == LineKind.Message && !line.Kept)
        {
            window.Arrived(line);
            Changed?.Invoke();
        }

        return window;
    }

    /// <summary>Replaces the shown line of the same id (an own line marked sent or acknowledged) in its window, and in the window shown.</summary>
    public void Update(ChatLine line)
    {
        Find(line.Window)?.Pane.Update(line);
        if (Find(line.Window) is not { } window || !ReferenceEquals(window, Current))
        {
            Current.Pane.Update(line);
        }
    }

    /// <summary>A window for a key the model has not opened: a room by its name, anything else as it is.</summary>
    private static WindowInfo Implicit(string key) => key.StartsWith('#')
        ? new WindowInfo(key, key, WindowKind.Room)
        : new WindowInfo(key, key, WindowKind.Query, Identity: key.StartsWith('@') ? key[1..] : null);
}
