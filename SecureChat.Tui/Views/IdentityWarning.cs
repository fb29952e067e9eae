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
/// quits; nothing in it trusts the new identity. Enter, Esc, F10 and Ctrl+C dismiss it. UI thread only.
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
        Buttons = [new Button { Text = "Quit", IsDefault = true }];
        Buttons[0].SetFocus();
        Accepting += (_, args) =>
        {
            if (!args.Handled)
            {
                args.Handled = true;
                RequestStop();
            }
        };
    }

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
        if (key == Key.Esc || key == Key.C.WithCtrl || key == Key.F10)
        {
            RequestStop();
            return true;
        }

        return base.OnKeyDown(key);
    }
}
