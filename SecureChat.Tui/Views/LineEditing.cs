using Terminal.Gui.Input;

namespace SecureChat.Tui.Views;

/// <summary>
/// The readline editing keys of the input line, over its text and insertion point (UTF-16 indexes): Ctrl+A/Ctrl+E
/// start and end, Alt+B/Alt+F a word back and forward, Ctrl+U/Ctrl+K cut to the start and to the end, Ctrl+W and
/// Alt+Backspace cut the word before the cursor, Alt+D the word after it, and Ctrl+Y yanks (puts back) the last cut.
/// Cuts in a row make one cut, as in readline: two Ctrl+W yank back as two words. UI thread only.
/// </summary>
internal sealed class LineEditing
{
    private string _cut = string.Empty;
    private bool _lastWasCut;

    /// <summary>What Ctrl+Y puts in: the last cut (empty before one).</summary>
    public string Cut => _cut;

    /// <summary>A key that is not an editing key (typing, a paste): the next cut starts afresh.</summary>
    public void Interrupt() => _lastWasCut = false;

    /// <summary>The text and insertion point after <paramref name="key"/>, or null when it is not an editing key.</summary>
    public (string Text, int Caret)? Apply(Key key, string text, int at)
    {
        at = Math.Clamp(at, 0, text.Length);
        bool wasCut = _lastWasCut;
        _lastWasCut = false;
        if (key == Key.A.WithCtrl)
        {
            return (text, 0);
        }

        if (key == Key.E.WithCtrl)
        {
            return (text, text.Length);
        }

        if (key == Key.B.WithAlt)
        {
            return (text, DraftText.WordStart(text, at));
        }

        if (key == Key.F.WithAlt)
        {
            return (text, DraftText.WordEnd(text, at));
        }

        if (key == Key.U.WithCtrl)
        {
            return CutRange(text, 0, at, before: true, wasCut);
        }

        if (key == Key.K.WithCtrl)
        {
            return CutRange(text, at, text.Length, before: false, wasCut);
        }

        // Alt+Backspace is ESC DEL from most terminals, and ESC ^H from those whose Backspace sends ^H.
        if (key == Key.W.WithCtrl || key == Key.Backspace.WithAlt || key == Key.H.WithCtrl.WithAlt)
        {
            return CutRange(text, DraftText.WordStart(text, at), at, before: true, wasCut);
        }

        if (key == Key.D.WithAlt)
        {
            return CutRange(text, at, DraftText.WordEnd(text, at), before: false, wasCut);
        }

        if (key == Key.Y.WithCtrl)
        {
            return (string.Concat(text.AsSpan(0, at), _cut, text.AsSpan(at)), at + _cut.Length);
        }

        return null;
    }

    /// <summary>Cuts text[start..end]; right after another cut it joins it (before it when cutting backwards).</summary>
    private (string Text, int Caret) CutRange(string text, int start, int end, bool before, bool wasCut)
    {
        string cut = text[start..end];
        if (cut.Length > 0)
        {
            _cut = !wasCut ? cut : before ? cut + _cut : _cut + cut;
        }

        _lastWasCut = true;
        return (string.Concat(text.AsSpan(0, start), text.AsSpan(end)), start);
    }
}
