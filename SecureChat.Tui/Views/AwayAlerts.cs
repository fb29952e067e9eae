using Terminal.Gui.App;
using Terminal.Gui.Drivers;

namespace SecureChat.Tui.Views;

/// <summary>
/// <c>--bell</c>: tells a user who is away (<see cref="AwayTracker"/>) that messages arrived, with the terminal
/// bell (BEL, once per burst) and a counter in the terminal's window title, <c>(3) SecureChat - NAME</c>, taken
/// down when they return: the title goes back to the window's, which Terminal.Gui 2.5.0 itself sets as the
/// terminal's title when the window opens. It asks the terminal to report focus (<c>CSI ? 1004 h</c>: the terminal then
/// sends <c>CSI I</c> and <c>CSI O</c>, which Terminal.Gui 2.5.0 does not parse: they are taken from its input
/// parser as persistent expected responses, ahead of its key patterns). Without <c>--bell</c> none of this is
/// installed: no bell, no title, no focus reports. UI thread only: keys, focus reports (Terminal.Gui parses input
/// on the main loop) and appended lines all arrive there.
/// </summary>
internal sealed class AwayAlerts
{
    public const string FocusReportingOn = "\u001b[?1004h";
    public const string FocusReportingOff = "\u001b[?1004l";
    public const string Bell = "\a";

    private readonly AwayTracker _tracker;
    private readonly Action<string> _write;
    private readonly Func<string> _name;
    private readonly Func<string> _title;
    private readonly Func<DateTimeOffset> _clock;
    private bool _counterShown;

    /// <param name="write">Writes escape sequences to the terminal (in the app, <see cref="IDriver.WriteRaw"/>).</param>
    /// <param name="name">This side's current name, for the counter.</param>
    /// <param name="title">The title to give back when the counter is taken down (the window's).</param>
    /// <param name="clock">The time (tests pass their own).</param>
    public AwayAlerts(Action<string> write, Func<string> name, Func<string> title, Func<DateTimeOffset>? clock = null)
    {
        _write = write;
        _name = name;
        _title = title;
        _clock = clock ?? (() => DateTimeOffset.UtcNow);
        _tracker = new AwayTracker(_clock());
    }

    public AwayTracker Tracker => _tracker;

    /// <summary>The terminal's title while <paramref name="unseen"/> messages wait.</summary>
    public static string Counter(int unseen, string name) => $"({unseen}) SecureChat - {name}";

    /// <summary>Wires the alerts into a running app showing <paramref name="window"/> and asks the terminal for focus reports.</summary>
    public static AwayAlerts Install(IApplication app, ChatWindow window, string name)
    {
        var alerts = new AwayAlerts(
            text => app.Driver?.WriteRaw(text),
            () => window.OwnName.Length > 0 ? window.OwnName : name,
            () => window.Title);
        if (app.Driver is { } driver)
        {
            IAnsiResponseParser parser = driver.GetInputProcessor().GetParser();
            parser.ExpectResponse("I", null, _ => alerts.FocusChanged(true), null, persistent: true);
            parser.ExpectResponse("O", null, _ => alerts.FocusChanged(false), null, persistent: true);
            driver.WriteRaw(FocusReportingOn);
        }

        app.Keyboard.KeyDown += (_, _) => alerts.KeyPressed();
        window.Appended += entry => alerts.Arrived(entry.Kind, entry.Mention);
        return alerts;
    }

    /// <summary>A line arrived; a message that names the user (<paramref name="mention"/>) rings even when the user is here.</summary>
    public void Arrived(App.LineKind kind, bool mention = false)
    {
        (bool counted, bool ring) = _tracker.Arrived(kind, _clock());
        if (ring || (mention && kind == App.LineKind.Message))
        {
            _write(Bell);
        }

        if (counted)
        {
            _counterShown = true;
            _write(EscSeqUtils.OSC_SetWindowTitle(Counter(_tracker.Unseen, _name())));
        }
    }

    public void KeyPressed()
    {
        if (_tracker.KeyPressed(_clock()))
        {
            TakeDownCounter();
        }
    }

    public void FocusChanged(bool focused)
    {
        if (_tracker.FocusChanged(focused, _clock()))
        {
            TakeDownCounter();
        }
    }

    /// <summary>Before the screen closes: the counter, if shown, is taken down, and focus reports stop.</summary>
    public void Close()
    {
        TakeDownCounter();
        _write(FocusReportingOff);
    }

    private void TakeDownCounter()
    {
        if (!_counterShown)
        {
            return;
        }

        _counterShown = false;
        _write(EscSeqUtils.OSC_SetWindowTitle(_title()));
    }
}
