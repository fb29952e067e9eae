using SecureChat.Tui.App;
using Terminal.Gui.Configuration;
using Terminal.Gui.Drawing;
using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace SecureChat.Tui.Views;

/// <summary>
/// The full screen's warning that the server's identity changed (<see cref="IdentityRefusal"/>): a modal dialog in
/// the error colours with the address, both fingerprints, each on a line of its own, and the deliberate way to
/// accept the new one (run again with <c>--accept-identity</c>, after comparing it out of band). Its one button
/// quits; nothing in it trusts the new identity. Enter, Esc, F10 and Ctrl+C (or a click on the button) dismiss it,
/// and no other key does anything; dismissing raises <see cref="Dismissed"/> once. It is shown with
/// <c>IApplication.Begin</c> over the running chat window, never with a nested <c>Run</c> (see
/// <see cref="ChatWindow.Warn"/>). UI thread only.
/// </summary>
internal sealed class IdentityWarning : Dialog
{
    public const string Heading = "Server identity changed: connection refused";

    public IdentityWarning(IdentityRefusal refusal)
    {
        Title = Heading;
        SchemeName = SchemeManager.SchemesToSchemeName(Schemes.Error);
        HotKeySpecifier = new System.Text.Rune('\uffff');
        Text = string.Join('\n', Message(refusal));
        TextAlignment = Alignment.Start;
        TextFormatter.WordWrap = false;
        TextFormatter.MultiLine = true;
        // The button never takes the focus, so every key reaches this dialog first (a focused button would take a
        // space as a press); a click on it still dismisses.
        Buttons = [new Button { Text = "Quit", IsDefault = true, CanFocus = false }];
        CanFocus = true;
    }

    /// <summary>The user dismissed the warning (raised once).</summary>
    public event Action? Dismissed;

    private bool _dismissed;

    /// <summary>The dialog's lines: short enough for an 80-column terminal, the fingerprints whole on their own lines.</summary>
    public static IReadOnlyList<string> Message(IdentityRefusal refusal) =>
    [
        $"The identity of the server at {refusal.Endpoint} has changed.",
        "Nothing was sent to it, and this connection is refused.",
        string.Empty,
        "Someone may be impersonating it (a man in the middle), or its",
        "operator may have replaced its identity key.",
        string.Empty,
        "Remembered identity" + (refusal.Since.Length > 0 ? " " + refusal.Since : string.Empty) + ":",
        "    " + refusal.Remembered,
        "Presented identity:",
        "    " + refusal.Presented,
        string.Empty,
        "Ask the server's operator for its fingerprint by phone or in",
        "person. Only if it matches the presented one, run again with:",
        "    " + refusal.AcceptOption,
        string.Empty,
        "Enter, Esc or F10 quits (exit code 3); this warning stays on",
        "the terminal after the screen closes.",
    ];

    protected override bool OnKeyDown(Key key)
    {
        if (key == Key.Enter || key == Key.Esc || key == Key.C.WithCtrl || key == Key.F10)
        {
            Dismiss();
        }

        // Every other key is swallowed: someone typing when the warning opens must not dismiss it by accident
        // (a space would press the button) nor type into the chat behind it.
        return true;
    }

    protected override bool OnAccepting(CommandEventArgs args)
    {
        Dismiss();
        return true;
    }

    private void Dismiss()
    {
        if (!_dismissed)
        {
            _dismissed = true;
            Dismissed?.Invoke();
        }
    }
}
