namespace SecureChat.Tui.Tests.Support;

/// <summary>
/// The app run full screen in one session of a private tmux server, the session's shell writing the app's exit code
/// (<c>EXIT:n</c>) to a file of its own when the app ends, then keeping the pane open so what the app left on the
/// terminal can still be read and queried.
/// </summary>
internal sealed class TmuxApp
{
    private TmuxApp(Tmux tmux, string session, string exitFile)
    {
        Tmux = tmux;
        Session = session;
        ExitFile = exitFile;
    }

    public Tmux Tmux { get; }

    public string Session { get; }

    /// <summary>Where the shell writes <c>EXIT:n</c> once the app ends.</summary>
    public string ExitFile { get; }

    /// <summary>A private tmux server for one test; the test is skipped (saying why) where tmux is not installed.</summary>
    public static Tmux NewTmuxOrSkip()
    {
        if (!Tmux.IsInstalled())
        {
            Assert.Skip("tmux is not installed: the real-terminal test cannot run (apt-get install tmux)");
        }

        return new Tmux();
    }

    /// <summary>
    /// Starts <c>dotnet SecureChat.Tui.dll args</c> (with a fresh <c>--config-dir</c> unless the arguments name one) in
    /// a new session <paramref name="session"/>; <paramref name="clearFirst"/> clears the shell's screen before, so the
    /// screen holds only what the app leaves on it once it ends.
    /// </summary>
    public static TmuxApp Start(Tmux tmux, string session, string[] args, bool clearFirst = false, int width = 120, int height = 40)
    {
        string exit = Path.Combine(Directory.CreateTempSubdirectory("securechat-tmux-").FullName, "exit");
        tmux.NewSession(session, $"{(clearFirst ? "clear; " : string.Empty)}{AppUnderTest.Command(args)}; echo EXIT:$? > '{exit}'; sleep 60", width, height);
        return new TmuxApp(tmux, session, exit);
    }

    /// <summary>The session's screen once <paramref name="condition"/> holds (with room for a loaded machine).</summary>
    public string WaitForScreen(Func<string, bool> condition, string what) =>
        Tmux.WaitForScreen(Session, condition, AppUnderTest.ReadyWait, what);

    /// <summary>What the shell wrote when the app ended, e.g. <c>EXIT:0</c>.</summary>
    public string WaitForExit() => Tmux.WaitForExitFile(ExitFile, AppUnderTest.ReadyWait);

    public void Keys(string keyName) => Tmux.Keys(Session, keyName);

    /// <summary>The terminal modes a full-screen app may leave behind (<see cref="EndToEnd.SignalTests.Modes"/>); all "0" once it gave the terminal back.</summary>
    public string Modes() => Tmux.Query(Session, EndToEnd.SignalTests.Modes);
}
