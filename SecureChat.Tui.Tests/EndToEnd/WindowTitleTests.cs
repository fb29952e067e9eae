using SecureChat.Tui.Tests.Support;

namespace SecureChat.Tui.Tests.EndToEnd;

/// <summary>
/// The terminal's window title in tmux (<c>#{pane_title}</c>): the full screen shows its own while it runs and puts
/// the shell's back when it ends, by F10 and by SIGTERM.
/// </summary>
public sealed class WindowTitleTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("F10")]
    [InlineData("SIGTERM")]
    public void The_shells_window_title_is_back_after_the_full_screen_ends(string how)
    {
        if (!Tmux.IsInstalled())
        {
            Assert.Skip("tmux is not installed: the real-terminal title test cannot run (apt-get install tmux)");
        }

        string dll = AppUnderTest.DllPath;
        int port = AppUnderTest.FreePort();
        string dir = Directory.CreateTempSubdirectory("securechat-title-").FullName;
        string exit = Path.Combine(dir, "exit");
        string pid = Path.Combine(dir, "pid");
        using var tmux = new Tmux();
        try
        {
            tmux.NewSession("screen", $"printf '\\033]2;my shell title\\033\\\\'; sh -c 'echo $$ > \"{pid}\"; exec dotnet \"{dll}\" --config-dir \"{AppUnderTest.NewConfigDir()}\" --server --port {port} --name Alice'; echo EXIT:$? > '{exit}'; sleep 60");
            tmux.WaitForScreen("screen", s => s.Contains("listening", StringComparison.Ordinal), s_wait, "the server's listening status");
            string during = tmux.Query("screen", "#{pane_title}");
            during.ShouldContain("SecureChat");
            if (how == "F10")
            {
                tmux.Keys("screen", "F10");
            }
            else
            {
                using var kill = System.Diagnostics.Process.Start("kill", ["-TERM", File.ReadAllText(pid).Trim()]);
                kill.WaitForExit();
            }

            Tmux.WaitForExitFile(exit, s_wait).ShouldBe("EXIT:0");
            string after = tmux.Query("screen", "#{pane_title}");
            TestContext.Current.TestOutputHelper?.WriteLine($"title while running: '{during}', after {how}: '{after}'");
            after.ShouldBe("my shell title");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
