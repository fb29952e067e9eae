using SecureChat.Tui.App;

namespace SecureChat.Tui.Views;

/// <summary>
/// Keeps the full screen running across an exception from inside Terminal.Gui (or a callback it runs): the run loop
/// hands each one here instead of ending the app, so the draft, the connections and a server's hub live on. Each is
/// told once in the message pane as a one-line error (repeats of the same fault at most once per
/// <see cref="RepeatInterval"/>, so a fault that recurs every iteration cannot flood the pane), and after the screen
/// has closed a one-line summary goes to standard error (the full screen's alternate buffer would swallow it
/// earlier). No stack trace reaches the screen. UI thread only.
/// </summary>
internal sealed class ScreenFaults(Action<ChatLine> show, Func<DateTimeOffset>? now = null)
{
    public static readonly TimeSpan RepeatInterval = TimeSpan.FromSeconds(10);

    private readonly Func<DateTimeOffset> _now = now ?? (() => DateTimeOffset.UtcNow);
    private readonly Dictionary<string, DateTimeOffset> _lastShown = [];
    private string? _first;

    /// <summary>How many exceptions the screen survived.</summary>
    public int Count { get; private set; }

    /// <summary>The run loop's error handler: records and shows the fault; always true (the loop goes on).</summary>
    public bool Survive(Exception fault)
    {
        Count++;
        string what = Describe(fault);
        _first ??= what;
        DateTimeOffset now = _now();
        if (!_lastShown.TryGetValue(what, out DateTimeOffset last) || now - last >= RepeatInterval)
        {
            _lastShown[what] = now;
            show(ChatLine.Error($"the screen hit an internal error and carried on, nothing was lost ({what})"));
        }

        return true;
    }

    /// <summary>The line for standard error once the screen is closed, or null when nothing went wrong.</summary>
    public string? Summary => Count == 0 ? null
        : $"the screen carried on after {Count} internal error{(Count == 1 ? string.Empty : "s")} (first: {_first})";

    /// <summary>The exception's type and the method it came from, e.g. "NullReferenceException in Terminal.Gui.Input.Key..ctor".</summary>
    public static string Describe(Exception fault)
    {
        System.Reflection.MethodBase? site = fault.TargetSite;
        string where = site is null ? string.Empty : $" in {site.DeclaringType?.FullName}.{site.Name}";
        return fault.GetType().Name + where;
    }
}
