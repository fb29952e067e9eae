namespace SecureChat.Tui.App;

/// <summary>What the process's exit code means (README lists them).</summary>
internal static class ExitCodes
{
    /// <summary>The user quit (F10, Ctrl+C, <c>exit</c>, a signal), or the peer closed the connection cleanly.</summary>
    public const int Ok = 0;

    /// <summary>The connection could not be made, or it failed or was lost (even if the user quit afterwards).</summary>
    public const int ConnectionFailed = 1;

    /// <summary>A bad command line: one line on standard error says what is wrong.</summary>
    public const int Usage = 2;

    /// <summary>
    /// The server's identity differs from the one remembered for it: refused before anything was sent (the full
    /// screen shows a warning until it is dismissed; the warning is printed after the screen closes).
    /// </summary>
    public const int TrustRefused = 3;
}
