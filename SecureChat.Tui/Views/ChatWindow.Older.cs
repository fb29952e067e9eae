using SecureChat.Tui.App;
using Terminal.Gui.App;

namespace SecureChat.Tui.Views;

/// <summary>
/// PgUp past the oldest line in memory: the window's older kept lines are read off the UI thread, a page at a time,
/// and put above the oldest line through <see cref="IApplication.Invoke(Action)"/>, so the screen never waits for the
/// database.
/// </summary>
internal sealed partial class ChatWindow
{
    /// <summary>The window (one page at a time) whose older lines are being read; null when none is.</summary>
    private string? _loadingOlder;

    /// <summary>Reads a window's older kept lines, oldest first (empty when there are none); any thread. Null: no history.</summary>
    public Func<string, IReadOnlyList<ChatLine>>? OlderLines { get; set; }

    /// <summary>Raised on the UI thread once a page of older lines was put in a pane (tests wait for it).</summary>
    public event Action<string, int>? OlderLinesShown;

    /// <summary>
    /// When the shown pane is at its oldest line and there may be older kept lines, starts reading a page of them;
    /// returns true when it did (or one is still being read), so PgUp does nothing else meanwhile.
    /// </summary>
    private bool LoadOlder()
    {
        PaneWindow shown = Windows.Current;
        if (OlderLines is not { } read || shown.Key.Length == 0 || App is not { } app || !shown.Pane.AtTopWithRoom)
        {
            return false;
        }

        if (_loadingOlder is not null)
        {
            return true;
        }

        string key = shown.Key;
        _loadingOlder = key;
        _ = Task.Run(() => read(key)).ContinueWith(
            done =>
            {
                IReadOnlyList<ChatLine> lines = done.IsCompletedSuccessfully ? done.Result : [];
                try
                {
                    app.Invoke(() => ShowOlder(key, lines));
                }
                catch (Exception e) when (e is NotInitializedException or ObjectDisposedException)
                {
                    // The screen has closed meanwhile: nothing to show the lines in.
                }
            },
            TaskScheduler.Default);
        return true;
    }

    private void ShowOlder(string key, IReadOnlyList<ChatLine> lines)
    {
        _loadingOlder = null;
        if (Windows.Find(key) is not { } window || lines.Count == 0)
        {
            return;
        }

        int put = window.Pane.Prepend([.. lines.Select(l => new PaneEntry(l))]);
        if (ReferenceEquals(window, Windows.Current))
        {
            window.Pane.ScrollPages(-1);
        }

        OlderLinesShown?.Invoke(key, put);
    }
}
