namespace SecureChat.Tui.Views;

/// <summary>
/// Puts the terminal's input modes back as a shell expects them, whatever happened before: mouse tracking off
/// (every mode Terminal.Gui may have turned on), focus reporting off (<c>--bell</c> turns it on), bracketed paste
/// off, cursor keys and keypad in their normal modes (<c>ESC[?1l</c>, <c>ESC&gt;</c>; .NET's console sets
/// <c>ESC[?1h ESC=</c> and does not always reset them), the cursor shown, and after the full screen the window
/// title the shell had (Terminal.Gui sets the title to the window's). Written after the full screen has given the terminal back (it has left the alternate screen).
/// Harmless when a mode was not on. Thread-safe; never throws (the terminal may be gone after SIGHUP).
/// </summary>
internal static class TerminalModes
{
    /// <summary>Every mouse tracking mode and encoding off (also written at start with <c>--no-mouse</c>).</summary>
    public const string MouseOff = "\u001b[?1000l\u001b[?1002l\u001b[?1003l\u001b[?1005l\u001b[?1006l\u001b[?1015l";

    public const string Reset =
        MouseOff + // mouse tracking and its encodings
        "\u001b[?1004l" + // focus reporting
        "\u001b[?2004l" + // bracketed paste
        "\u001b[?1l\u001b>" + // cursor keys and keypad: normal
        "\u001b[?25h"; // cursor visible

    /// <summary>Pushes the window and icon titles on the terminal's title stack (xterm XTWINOPS 22; tmux, VTE, kitty, foot keep one).</summary>
    public const string SaveTitle = "\u001b[22;0t";

    /// <summary>Pops them again: the title the shell had before the full screen set its own.</summary>
    public const string RestoreTitle = "\u001b[23;0t";

    /// <summary>Writes <see cref="Reset"/>, and with <paramref name="title"/> pops the title saved by <see cref="SaveTitle"/>.</summary>
    public static void Restore(bool title = false)
    {
        if (Console.IsOutputRedirected)
        {
            return;
        }

        try
        {
            Console.Out.Write(title ? Reset + RestoreTitle : Reset);
            Console.Out.Flush();
        }
        catch (IOException)
        {
            // The terminal is gone (hang-up): nothing to restore.
        }
    }
}
