using SecureChat.Engine.History;

namespace SecureChat.Tui.App;

/// <summary>
/// A view that keeps what it shows: every message line of a room or a direct conversation is appended to the history
/// (<see cref="ChatHistory"/>) on its way to the view it wraps, and, when <see cref="Restores"/>, a window opened for
/// the first time (or again after it was closed) first shows its last <see cref="ChatHistory.PageLines"/> kept lines.
/// The hub whose conversations these are is asked of <see cref="Hub"/> (its identity, once known). A history that
/// fails is said once, as an error line, and the chat goes on without it. Thread-safe as the model's calls are: one
/// at a time, under the model's lock; <see cref="OlderLines"/> takes its own lock.
/// </summary>
internal sealed class HistoryView(IChatView inner, ChatHistory history, bool restores) : IChatView
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, long?> _oldest = [];

    /// <summary>The identity of the hub whose rooms these are, or null while it is not known.</summary>
    public Func<string?> Hub { get; set; } = () => null;

    /// <summary>Whether a window shows its kept lines when it opens (the full screen; headless mode prints only what happens now).</summary>
    public bool Restores => restores;

    public void Show(ChatLine line)
    {
        if (history.Record(Hub(), line) is { } failure)
        {
            inner.Show(ChatLine.Error(failure));
        }

        inner.Show(line);
    }

    public void Update(ChatLine line) => inner.Update(line);

    public void OpenWindow(WindowInfo window)
    {
        inner.OpenWindow(window);
        string? hub = Hub();
        if (!restores || hub is null || window.Key.Length == 0)
        {
            return;
        }

        IReadOnlyList<HistoryLine> lines;
        lock (_gate)
        {
            if (_oldest.ContainsKey(window.Key))
            {
                return;
            }

            lines = Page(hub, window.Key, null);
            _oldest[window.Key] = lines.Count > 0 ? lines[0].Sequence : null;
        }

        foreach (HistoryLine line in lines)
        {
            inner.Show(ChatHistory.Shown(line, window.Key));
        }
    }

    /// <summary>
    /// The kept lines of <paramref name="window"/> before those it shows already, oldest first, and marks them shown:
    /// what PgUp loads past the lines in memory. Empty when there are no more. Any thread (it reads the database).
    /// </summary>
    public IReadOnlyList<ChatLine> OlderLines(string window)
    {
        string? hub = Hub();
        if (hub is null || window.Length == 0)
        {
            return [];
        }

        lock (_gate)
        {
            if (!_oldest.TryGetValue(window, out long? oldest) || oldest is null)
            {
                return [];
            }

            IReadOnlyList<HistoryLine> lines = Page(hub, window, oldest);
            _oldest[window] = lines.Count > 0 ? lines[0].Sequence : null;
            return [.. lines.Select(l => ChatHistory.Shown(l, window))];
        }
    }

    public void CloseWindow(string key)
    {
        lock (_gate)
        {
            _oldest.Remove(key);
        }

        inner.CloseWindow(key);
    }

    public void ShowWindow(int number) => inner.ShowWindow(number);

    public void SetStatus(ChatStatus status) => inner.SetStatus(status);

    public void Clear() => inner.Clear();

    public void Quit() => inner.Quit();

    public void Warn(IdentityRefusal refusal) => inner.Warn(refusal);

    private IReadOnlyList<HistoryLine> Page(string hub, string window, long? before)
    {
        try
        {
            return history.Page(hub, window, before);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            inner.Show(ChatLine.Error($"could not read the history: {e.Message}"));
            return [];
        }
    }
}
