using SecureChat.Tui.App;

namespace SecureChat.Tui.Views;

/// <summary>
/// Whether the user is away, and what a message that arrives then should do (<c>--bell</c>). Away means: on a
/// terminal that reports focus (it has sent at least one focus event), its window does not have the focus; on any
/// other terminal, no key was pressed for <see cref="IdleLimit"/>. Only someone else's message counts, never our
/// own lines or notices. The first counted message rings the bell; later ones ring again only after a quiet gap of
/// <see cref="BurstGap"/> (one ring per burst), and every one adds to <see cref="Unseen"/>, the counter the title
/// shows. A key press, or the window getting the focus back, is the user's return: the counter goes back to 0.
/// Pure (the time is passed in) and not thread-safe: the app calls it on the UI thread.
/// </summary>
internal sealed class AwayTracker(DateTimeOffset start)
{
    /// <summary>How long without a key press counts as away, on a terminal that does not report focus.</summary>
    public static readonly TimeSpan IdleLimit = TimeSpan.FromSeconds(60);

    /// <summary>A message after this long without counted messages starts a new burst, and rings again.</summary>
    public static readonly TimeSpan BurstGap = TimeSpan.FromMinutes(2);

    private DateTimeOffset _lastKey = start;
    private DateTimeOffset? _lastCounted;

    /// <summary>Null until the terminal reports focus for the first time; then whether its window has it.</summary>
    private bool? _focused;

    /// <summary>Messages that arrived while the user was away, since they last returned.</summary>
    public int Unseen { get; private set; }

    /// <summary>Whether the terminal has reported focus (then focus alone decides; the idle time no longer counts).</summary>
    public bool ReportsFocus => _focused is not null;

    public bool IsAway(DateTimeOffset now) => _focused is { } focused ? !focused : now - _lastKey >= IdleLimit;

    /// <summary>A line was added to the messages: whether it is counted (the title changes) and whether it rings.</summary>
    public (bool Counted, bool Ring) Arrived(LineKind kind, DateTimeOffset now)
    {
        if (kind != LineKind.Message || !IsAway(now))
        {
            return (false, false);
        }

        bool ring = _lastCounted is not { } last || now - last >= BurstGap;
        _lastCounted = now;
        Unseen++;
        return (true, ring);
    }

    /// <summary>A key was pressed: the user is here. True when the counter was shown and must be taken down.</summary>
    public bool KeyPressed(DateTimeOffset now)
    {
        _lastKey = now;
        if (_focused == false)
        {
            // Keys reach only the focused window: a lost focus-in report must not keep the user away for good.
            _focused = true;
        }

        return Returned();
    }

    /// <summary>The terminal reported focus in or out. True when the user returned and the counter must be taken down.</summary>
    public bool FocusChanged(bool focused, DateTimeOffset now)
    {
        _focused = focused;
        if (!focused)
        {
            return false;
        }

        _lastKey = now;
        return Returned();
    }

    private bool Returned()
    {
        bool shown = Unseen > 0;
        Unseen = 0;
        _lastCounted = null;
        return shown;
    }
}
