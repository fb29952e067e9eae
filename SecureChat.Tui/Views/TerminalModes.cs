namespace SecureChat.Tui.Views;

/// <summary>
/// Puts the terminal's input modes back as a shell expects them, whatever happened before: mouse tracking off
/// (every mode Terminal.Gui may have turned on), focus reporting off (<c>--bell</c> turns it on), bracketed paste
/// off, cursor keys and keypad in their normal modes (<c>ESC[?1l</c>, <c>ESC&gt;</c>; .NET's console sets
/// <c>ESC[?1h ESC=</c> and does not always reset them), and the cursor shown. Written after the full screen has given the terminal back (it has left the alternate screen).
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

    public static void Restore()
    {
        if (Console.IsOutputRedirected)
        {
            return;
        }

        try
        {
            Console.Out.Write(Reset);
            Console.Out.Flush();
        }
        catch (IOException)
        {
            // The terminal is gone (hang-up): nothing to restore.
        }
    }
}
