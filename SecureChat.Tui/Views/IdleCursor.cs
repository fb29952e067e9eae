using Terminal.Gui.App;
using Terminal.Gui.Drivers;

namespace SecureChat.Tui.Views;

/// <summary>
/// Keeps an idle screen silent. Terminal.Gui 2.5.0 re-sends the cursor (<c>ESC[?25h</c> and a position) on every
/// main-loop iteration, 25 times a second, because nothing clears the driver's "cursor needs update" flag once
/// set (shared TERMINAL_GUI.md, "Idle: the cursor is re-sent on every iteration"). At the start of each iteration,
/// when the driver's cursor already is what the focused view wants, the flag is cleared; a real change (typing,
/// moving, focus) sets it again and is drawn as usual. UI thread only.
/// </summary>
internal static class IdleCursor
{
    public static void Install(IApplication app) => app.Iteration += (_, _) => Settle(app);

    private static void Settle(IApplication app)
    {
        if (app.Driver is not { } driver || !driver.GetCursorNeedsUpdate())
        {
            return;
        }

        Cursor? wanted = app.TopRunnableView?.MostFocused?.Cursor;
        Cursor shown = wanted is { IsVisible: true } ? wanted : new Cursor();
        if (driver.GetCursor() == shown)
        {
            driver.SetCursorNeedsUpdate(false);
        }
    }
}
