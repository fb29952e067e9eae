using System.Diagnostics;
using SecureChat.TestSupport;

namespace SecureChat.Tui.Tests.Support;

/// <summary>
/// A private tmux server (its own socket name, no configuration file, an empty home that the apps in its sessions
/// inherit) holding the sessions of one test; killed on dispose.
/// </summary>
internal sealed class Tmux : IDisposable
{
    private readonly string _socket = "securechat-test-" + Guid.NewGuid().ToString("N")[..12];

    public static bool IsInstalled()
    {
        try
        {
            return Run(["-V"], TimeSpan.FromSeconds(5)).ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    /// <summary>
    /// Runs <paramref name="shellCommand"/> in a new session whose default data directory (the history) is a fresh
    /// one of its own, so that apps started without <c>--data-dir</c> never share one (nor use the user's).
    /// </summary>
    public void NewSession(string name, string shellCommand, int width = 120, int height = 40)
    {
        string data = System.IO.Path.Combine(IsolatedHome.Path, "data-" + Guid.NewGuid().ToString("N")[..12]);
        shellCommand = $"export XDG_DATA_HOME='{data}'; {shellCommand}";
        string[] args = ["-L", _socket, "-f", "/dev/null", "new-session", "-d", "-x", width.ToString(System.Globalization.CultureInfo.InvariantCulture), "-y", height.ToString(System.Globalization.CultureInfo.InvariantCulture), "-s", name, shellCommand];
        (int code, string output) = Run(args, TimeSpan.FromSeconds(10));
        code.ShouldBe(0, output);
    }

    /// <summary>
    /// Types text literally (no key-name lookup), then optionally presses Enter a moment later, as a person does.
    /// Before that Enter it waits until the screen shows the text (its part up to the first non-ASCII character), so
    /// the Enter is a key of its own, as typed, whatever the load (<see cref="KeysThenEnter"/> sends both at once).
    /// </summary>
    public void Type(string session, string text, bool enter = true)
    {
        Run(["-L", _socket, "send-keys", "-t", session, "-l", text], TimeSpan.FromSeconds(10)).ExitCode.ShouldBe(0);
        if (enter)
        {
            string shown = string.Concat(text.TakeWhile(char.IsAscii));
            if (shown.Length > 0)
            {
                WaitForScreen(session, s => s.Contains(shown, StringComparison.Ordinal), TimeSpan.FromSeconds(30), $"the typed '{shown}'", pollMilliseconds: 50);
            }

            Thread.Sleep(250);
            Keys(session, "Enter");
        }
    }

    /// <summary>Sends text and Enter with one tmux command, so they reach the app in one write (as an expect script or a laggy link delivers them).</summary>
    public void KeysThenEnter(string session, string text) =>
        Run(["-L", _socket, "send-keys", "-t", session, text, "Enter"], TimeSpan.FromSeconds(10)).ExitCode.ShouldBe(0);

    public void Keys(string session, string keyName) =>
        Run(["-L", _socket, "send-keys", "-t", session, keyName], TimeSpan.FromSeconds(10)).ExitCode.ShouldBe(0);

    /// <summary>Pastes the text as a terminal does: bracketed (the app asked for it; tmux -p) or as plain keys.</summary>
    public void Paste(string session, string text, bool bracketed)
    {
        string file = System.IO.Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, text);
            Run(["-L", _socket, "load-buffer", "-b", "test", file], TimeSpan.FromSeconds(10)).ExitCode.ShouldBe(0);
            string[] args = bracketed ? ["-L", _socket, "paste-buffer", "-p", "-b", "test", "-t", session] : ["-L", _socket, "paste-buffer", "-b", "test", "-t", session];
            Run(args, TimeSpan.FromSeconds(30)).ExitCode.ShouldBe(0);
        }
        finally
        {
            File.Delete(file);
        }
    }

    public string Capture(string session) => Run(["-L", _socket, "capture-pane", "-p", "-t", session], TimeSpan.FromSeconds(10)).Output;

    public string WaitForScreen(string session, Func<string, bool> condition, TimeSpan timeout, string what, int pollMilliseconds = 200)
    {
        var clock = Stopwatch.StartNew();
        string screen;
        while (!condition(screen = Capture(session)))
        {
            if (clock.Elapsed > timeout)
            {
                throw new ShouldAssertException($"{what}: not on the {session} screen after {timeout.TotalSeconds}s. Screen:\n{screen}");
            }

            Thread.Sleep(pollMilliseconds);
        }

        return screen;
    }

    /// <summary>
    /// Appends everything the session's program writes to its terminal, as raw bytes, to <paramref name="file"/>
    /// (tmux pipe-pane). Start the program after this (e.g. behind <see cref="StartGate"/>) to record its first bytes.
    /// </summary>
    public void Record(string session, string file) =>
        Run(["-L", _socket, "pipe-pane", "-o", "-t", session, "cat >> '" + file.Replace("'", "'\\''", StringComparison.Ordinal) + "'"], TimeSpan.FromSeconds(10)).ExitCode.ShouldBe(0);

    /// <summary>Resizes the session's window, as a user resizing the terminal does.</summary>
    public void Resize(string session, int width, int height) =>
        Run(["-L", _socket, "resize-window", "-t", session, "-x", width.ToString(System.Globalization.CultureInfo.InvariantCulture), "-y", height.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10)).ExitCode.ShouldBe(0);

    /// <summary>Sends bytes to the session's program as if the terminal produced them (e.g. a focus report).</summary>
    public void SendBytes(string session, params byte[] bytes) =>
        Run(["-L", _socket, "send-keys", "-t", session, "-H", .. bytes.Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture))], TimeSpan.FromSeconds(10)).ExitCode.ShouldBe(0);

    /// <summary>Shell words that wait until <paramref name="file"/> exists: put before a command that must not start yet.</summary>
    public static string StartGate(string file) => $"while [ ! -e '{file}' ]; do sleep 0.05; done; ";

    /// <summary>A tmux format variable of the session's pane, e.g. <c>#{alternate_on}</c> (1 while a full-screen app holds it).</summary>
    public string Query(string session, string format) =>
        Run(["-L", _socket, "display-message", "-p", "-t", session, format], TimeSpan.FromSeconds(10)).Output.Trim();

    /// <summary>The status bar: the last screen line that carries the F10 shortcut.</summary>
    public static string StatusLine(string screen) =>
        screen.Split('\n').LastOrDefault(l => l.Contains("F10", StringComparison.Ordinal)) ?? string.Empty;

    /// <summary>Waits for a file the shell writes when the app under test exits (e.g. "EXIT:0"), and returns it.</summary>
    public static string WaitForExitFile(string path, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } text)
            {
                return text;
            }

            Thread.Sleep(100);
        }

        throw new ShouldAssertException($"the process did not exit within {timeout.TotalSeconds}s ({path} missing)");
    }

    public void Dispose() => Run(["-L", _socket, "kill-server"], TimeSpan.FromSeconds(10));

    private static (int ExitCode, string Output) Run(string[] args, TimeSpan timeout)
    {
        var info = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };

        // The tests' own switch to keep Terminal.Gui off the real terminal must not reach the apps under test.
        info.Environment.Remove("DisableRealDriverIO");
        IsolatedHome.Apply(info.Environment);
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(info)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new ShouldAssertException($"tmux {string.Join(' ', args)} did not finish in {timeout.TotalSeconds}s");
        }

        return (process.ExitCode, output.Result + error.Result);
    }
}
