using Terminal.Gui.Views;

namespace SecureChat.Tui.Views;

/// <summary>The chat screen's status bar: fitting its fields to the width (see the type's main file).</summary>
internal sealed partial class ChatWindow
{
    /// <summary>
    /// Fits the status fields to the width so that <c>F10 Quit</c> always stays: the identity shrinks first (never
    /// below its trust word and a start of the fingerprint, else it leaves the bar), then the key hash, then the
    /// peer, then the window, then the stage, each cut with an ellipsis (a field is never cut below its first
    /// character); when even that does not fit, whole fields give way in the order identity, key, peer, stage, window
    /// (beside the tab bar, which shows the window too, the window first), down to the quit hint alone.
    /// </summary>
    private void FitStatus()
    {
        string[] texts = [_windowText, _stageText, _keyText, _identityText, _peerText];
        int width = Math.Max(Frame.Width, 0);
        bool[] shown = [.. texts.Select(t => t.Length > 0)];
        string[] fields = [.. texts];
        if (width > 0)
        {
            // The identity is only ever cut to its trust word and a start of the fingerprint; rather than cut the
            // key hash for it, it gives way whole.
            fields = [.. texts];
            bool fits = Shrink(fields, shown, width, [(3, _identityWord.Length + 2)]);
            // Beside the tab bar, which shows the window too, the window field goes first.
            foreach (int dropped in _side == true ? new[] { 3, 2, 4, 1, 0 } : [0, 3, 2, 4, 1])
            {
                if (fits)
                {
                    break;
                }

                shown[dropped] = false;
                fields = [.. texts];
                fits = Shrink(fields, shown, width, [(2, 9), (4, 9), (0, 8), (4, 2), (2, 2), (1, 2), (0, 2)]);
            }
        }

        Shortcut[] shortcuts = Fields;
        for (int i = 0; i < shortcuts.Length; i++)
        {
            shortcuts[i].Title = fields[i];
        }

        ShowFields(shown);
    }

    /// <summary>Shortens the shown <paramref name="fields"/> to fit <paramref name="width"/> beside the quit hint; false when they cannot.</summary>
    /// <remarks>Each step cuts one field down to at most a shortest length, in order: first to a readable start ("key 52AF…"), then further.</remarks>
    private static bool Shrink(string[] fields, bool[] shown, int width, (int Field, int Shortest)[] steps)
    {
        // Each shown field takes its text plus StatusFieldSpacing cells (margins and separator); the quit shortcut its own.
        int budget = width - QuitWidth - (shown.Count(s => s) * StatusFieldSpacing);
        int Used() => Enumerable.Range(0, fields.Length).Where(i => shown[i]).Sum(i => fields[i].Length);

        foreach ((int field, int shortest) in steps)
        {
            int over = Used() - budget;
            if (over > 0 && shown[field])
            {
                fields[field] = Ellipsize(fields[field], Math.Max(fields[field].Length - over, shortest));
            }
        }

        return Used() <= budget;
    }

    /// <summary>Puts exactly the shown fields (and the quit shortcut) on the bar; a hidden one still takes room in the toolkit's layout, so it leaves the bar.</summary>
    private void ShowFields(bool[] shown)
    {
        Shortcut[] wanted = [.. Fields.Where((_, i) => shown[i]), _quit];
        if (StatusBar.SubViews.OfType<Shortcut>().SequenceEqual(wanted))
        {
            return;
        }

        foreach (Shortcut shortcut in StatusBar.SubViews.OfType<Shortcut>().ToList())
        {
            StatusBar.Remove(shortcut);
        }

        foreach (Shortcut shortcut in wanted)
        {
            StatusBar.Add(shortcut);
        }
    }

    /// <summary><paramref name="text"/> cut to <paramref name="length"/> characters (at least one and the ellipsis).</summary>
    public static string Ellipsize(string text, int length) =>
        text.Length <= length ? text : string.Concat(text.AsSpan(0, Math.Max(length - 1, 1)), "…");
}
