using System.Runtime.InteropServices;
using Terminal.Gui.App;
using Terminal.Gui.Drivers;

namespace SecureChat.Tui.Views;

/// <summary>
/// Ctrl+Z on the full screen, as a shell's job control expects of a full-screen program: the terminal is given back
/// as the shell had it (the terminal's own line mode and echo, the alternate screen left, every input mode reset, the
/// shell's window title back), the job stops with SIGTSTP, and when <c>fg</c> continues it the screen takes the
/// terminal again and is drawn whole, with the modes this run had set (mouse tracking unless <c>--no-mouse</c>,
/// bracketed paste, focus reports with <c>--bell</c>). The links stay up meanwhile; what arrives is on the screen
/// after <c>fg</c>. Not on Windows (no job control there: Ctrl+Z does nothing).
/// </summary>
/// <remarks>
/// Terminal.Gui 2.5.0's own <c>IDriver.Suspend</c> restores the line mode by running <c>stty sane</c> in a child
/// process; when that child ends, .NET puts the keypad back in application mode (<c>ESC[?1h ESC=</c>, seen in the
/// terminal's output right before the job stopped), so the shell would get escape sequences from the cursor and
/// number keys. Here no process is started: the terminal's mode is read and set directly (termios on
/// <c>/dev/tty</c>), as it was when the app started and as it was in the full screen, and .NET's own handling of
/// SIGCONT, which sets the mode .NET last set, is turned off. UI thread only.
/// </remarks>
internal sealed class Suspension : IDisposable
{
    /// <summary>Bytes for a termios structure, more than any platform's (Linux 60, macOS 72): it is kept, never read.</summary>
    private const int TermiosSize = 256;
    private const int TcsaDrain = 1;

    private readonly byte[] _shell = new byte[TermiosSize];
    private readonly int _tty;
    private readonly PosixSignalRegistration _continued;

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private Suspension(int tty)
    {
        _tty = tty;

        // On SIGCONT .NET puts back the terminal mode it last set itself, racing the full screen's raw mode (an Enter
        // then arrives as a line feed: a newline in the draft, not a send). The full screen sets its own mode.
        _continued = PosixSignalRegistration.Create(PosixSignal.SIGCONT, context => context.Cancel = true);
    }

    /// <summary>
    /// Takes note of the terminal's mode as the shell left it; call before the full screen changes it. Null where
    /// there is no job control or no terminal (then Ctrl+Z does nothing).
    /// </summary>
    public static Suspension? Prepare()
    {
        if (OperatingSystem.IsWindows() || Console.IsOutputRedirected)
        {
            return null;
        }

        int tty = open("/dev/tty", ReadWrite);
        if (tty < 0)
        {
            return null;
        }

        var suspension = new Suspension(tty);
        if (tcgetattr(tty, suspension._shell) != 0)
        {
            suspension.Dispose();
            return null;
        }

        return suspension;
    }

    /// <summary>Stops the job with the terminal given back; returns once <c>fg</c> (SIGCONT) continued it, the screen redrawn.</summary>
    public void Suspend(IApplication app, ChatWindow window, bool mouse, bool focusReports)
    {
        byte[] screen = new byte[TermiosSize];
        if (app.Driver is not { } driver || tcgetattr(_tty, screen) != 0)
        {
            return;
        }

        Write(EscSeqUtils.CSI_RestoreCursorAndRestoreAltBufferWithBackscroll + TerminalModes.Reset + TerminalModes.RestoreTitle);
        tcsetattr(_tty, TcsaDrain, _shell);

        // The whole job stops (a wrapper script too, as when the shell's job control stops it); this returns on SIGCONT.
        kill(0, OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD() ? MacSigTstp : LinuxSigTstp);

        tcsetattr(_tty, TcsaDrain, screen);
        driver.WriteRaw(EscSeqUtils.CSI_SaveCursorAndActivateAltBufferNoBackscroll + EscSeqUtils.CSI_HideCursor
            + (mouse ? EscSeqUtils.CSI_EnableMouseEvents : string.Empty)
            + EscSeqUtils.CSI_EnableBracketedPaste
            + (focusReports ? AwayAlerts.FocusReportingOn : string.Empty)
            + TerminalModes.SaveTitle + EscSeqUtils.OSC_SetWindowTitle(window.Title));
        app.LayoutAndDraw(forceRedraw: true);
    }

    public void Dispose()
    {
        _continued.Dispose();
        close(_tty);
    }

    private static void Write(string text)
    {
        try
        {
            Console.Out.Write(text);
            Console.Out.Flush();
        }
        catch (IOException)
        {
            // The terminal is gone: nothing to give back.
        }
    }

    private const int ReadWrite = 2;
    private const int LinuxSigTstp = 20;
    private const int MacSigTstp = 18;

    [DllImport("libc", SetLastError = true)]
    private static extern int open(string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int tcgetattr(int fd, byte[] termios);

    [DllImport("libc", SetLastError = true)]
    private static extern int tcsetattr(int fd, int actions, byte[] termios);

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
