using Terminal.Gui.Drivers;
using Terminal.Gui.Input;

namespace SecureChat.Tui.Views;

/// <summary>
/// Alt+Backspace as terminals send it, <c>ESC DEL</c> (xterm, GNOME Terminal, tmux), decoded as
/// <c>Key.Backspace.WithAlt</c>. Terminal.Gui 2.5.0's Alt pattern takes ESC and a letter, digit or control byte but
/// not DEL, so it held the two bytes and then dropped them. Like that pattern, it is tried when the parser lets a held
/// ESC and one byte go (a moment later, in case more of a longer sequence follows). UI thread only (the parser runs
/// on the main loop).
/// </summary>
internal sealed class AltBackspacePattern : AnsiKeyboardParserPattern
{
    private const string Sequence = "\u001b\u007f";

    public AltBackspacePattern()
    {
        IsLastMinute = true;
    }

    public override bool IsMatch(string? input) => input == Sequence;

    protected override Key? GetKeyImpl(string? input) => input == Sequence ? Key.Backspace.WithAlt : null;
}
