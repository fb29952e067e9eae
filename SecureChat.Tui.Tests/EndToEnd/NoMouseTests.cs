using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using SecureChat.Tui.Tests.Support;
using SecureChat.Tui.Views;

namespace SecureChat.Tui.Tests.EndToEnd;

/// <summary>
/// <c>--no-mouse</c> in a real terminal (tmux, 120x40), with every byte the app writes to its terminal recorded
/// (tmux pipe-pane): mouse tracking stays off for the whole run, so a plain drag selects text, and the chat still
/// works with keys; <c>/fingerprint</c> puts the fingerprint and the SAS each on a row of its own. Terminal.Gui
/// 2.5.0 writes its mouse-tracking start-up sequence as its driver starts, with no setting to prevent it: the test
/// checks that the app turns it off before the first frame is drawn and that nothing turns it on again. Without
/// the option the same app does capture the mouse (the contrast that shows the option matters).
/// </summary>
public sealed partial class NoMouseTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    private const string MouseFlags = "#{mouse_any_flag} #{mouse_standard_flag} #{mouse_button_flag} #{mouse_all_flag} #{mouse_sgr_flag} #{mouse_utf8_flag}";

    [Fact]
    public void With_no_mouse_tracking_is_never_left_on_keys_still_work_and_fingerprint_values_have_rows_of_their_own()
    {
        if (!Tmux.IsInstalled())
        {
            Assert.Skip("tmux is not installed: the real-terminal test cannot run (apt-get install tmux)");
        }

        string dll = AppUnderTest.DllPath;
        int port = AppUnderTest.FreePort();
        string dir = Directory.CreateTempSubdirectory("securechat-nomouse-").FullName;
        string raw = Path.Combine(dir, "raw");
        string gate = Path.Combine(dir, "go");
        string serverExit = Path.Combine(dir, "server.exit");
        using var tmux = new Tmux();
        try
        {
            tmux.NewSession("server", Tmux.StartGate(gate) + $"dotnet '{dll}' --config-dir '{AppUnderTest.NewConfigDir()}' --server --port {port} --name Alice --no-mouse; echo EXIT:$? > '{serverExit}'; sleep 60");
            tmux.Record("server", raw);
            File.WriteAllText(gate, string.Empty);
            tmux.WaitForScreen("server", s => s.Contains("listening", StringComparison.Ordinal) && s.Contains("F10", StringComparison.Ordinal), s_wait, "the server's listening status");
            tmux.Query("server", MouseFlags).ShouldBe("0 0 0 0 0 0", "no mouse tracking while the app runs");

            using RunningApp client = AppUnderTest.Start("--client", "localhost", port.ToString(CultureInfo.InvariantCulture), "--headless", "--name", "Bob");
            client.WaitForOutput("[*] Alice is the server's operator", s_wait);
            tmux.WaitForScreen("server", s => s.Contains("Bob joined", StringComparison.Ordinal), s_wait, "the client joining");
            tmux.Type("server", "typed with keys only");
            tmux.WaitForScreen("server", s => s.Contains("<Alice> typed with keys only", StringComparison.Ordinal), s_wait, "the operator's own line (the keys reached the app)");
            client.WaitForOutput("[Alice:operator]: typed with keys only", s_wait);

            tmux.Type("server", "/fingerprint");
            string screen = tmux.WaitForScreen("server", s => s.Contains("compare out of band", StringComparison.Ordinal), s_wait, "the /fingerprint output");
            string[] rows = screen.Split('\n');
            string key = rows.Select(r => FingerprintRow().Match(r)).Single(m => m.Success).Groups[1].Value;
            rows.Count(r => SasRow().IsMatch(r)).ShouldBe(1, screen);
            Tmux.StatusLine(screen).ShouldContain("key " + key, customMessage: "the value on its row is the connection's key");

            tmux.Keys("server", "PPage");
            tmux.Resize("server", 100, 30);
            tmux.WaitForScreen("server", s => s.Split('\n')[0].TrimEnd().EndsWith('┐'), s_wait, "the redraw at 100 columns");
            tmux.Query("server", MouseFlags).ShouldBe("0 0 0 0 0 0", "still none after scrolling and a resize");

            tmux.Keys("server", "F10");
            Tmux.WaitForExitFile(serverExit, s_wait).ShouldBe("EXIT:0");
            client.WaitForExit(s_wait).ShouldBe(0);

            string output = Encoding.UTF8.GetString(File.ReadAllBytes(raw));
            int off = output.IndexOf(TerminalModes.MouseOff, StringComparison.Ordinal);
            off.ShouldBeGreaterThanOrEqualTo(0, "the app turns mouse tracking off");
            int firstFrame = output.IndexOf('┌', StringComparison.Ordinal);
            off.ShouldBeLessThan(firstFrame, "before the first frame is drawn");
            MatchCollection enables = MouseEnable().Matches(output);
            enables.ShouldAllBe(m => m.Index < off, "nothing turns mouse tracking on again: " + string.Join(", ", enables.Select(m => $"{m.Value[1..]} at {m.Index}")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }

        // The contrast: without --no-mouse the app captures the mouse (the wheel scrolls the messages).
        using var plain = new Tmux();
        plain.NewSession("server", $"dotnet '{dll}' --config-dir '{AppUnderTest.NewConfigDir()}' --server --port 0; sleep 60");
        plain.WaitForScreen("server", s => s.Contains("listening", StringComparison.Ordinal) && s.Contains("F10", StringComparison.Ordinal), s_wait, "the server's listening status");
        plain.Query("server", "#{mouse_any_flag} #{mouse_all_flag} #{mouse_sgr_flag}").ShouldBe("1 1 1");
        plain.Keys("server", "F10");
        plain.WaitForScreen("server", s => !s.Contains("F10", StringComparison.Ordinal), s_wait, "the app leaving");
    }

    [GeneratedRegex(@"\u001b\[\?(?:9|1000|1001|1002|1003|1005|1006|1015|1016)h")]
    private static partial Regex MouseEnable();

    /// <summary>A pane row holding the fingerprint and nothing after it but blanks and the border.</summary>
    [GeneratedRegex(@"^│(?:[^│]*│)?\d\d:\d\d -!-   fingerprint ((?:[0-9A-F]{4} ){7}[0-9A-F]{4}) *│$")]
    private static partial Regex FingerprintRow();

    [GeneratedRegex(@"^│(?:[^│]*│)?\d\d:\d\d -!-   SAS [0-9 ]+[0-9] *│$")]
    private static partial Regex SasRow();
}
