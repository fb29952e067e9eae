using System.Diagnostics;
using System.Globalization;
using SecureChat.Tui.Tests.Support;
using SecureChat.Tui.Views;

namespace SecureChat.Tui.Tests.EndToEnd;

/// <summary>
/// Pastes into the full screen of a real server in tmux, bracketed and as plain keys: a 16,000-character paste
/// arrives whole (checked by a headless client that prints what it received), and a multi-line paste is one
/// message, never a command; Ctrl+J and Alt+Enter insert newlines by hand. Time and memory are reported as figures (see BENCHMARKS.md), not asserted.
/// </summary>
public sealed class PasteTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_long_paste_and_a_multi_line_paste_each_arrive_as_one_message(bool bracketed)
    {
        if (!Tmux.IsInstalled())
        {
            Assert.Skip("tmux is not installed: the real-terminal paste test cannot run (apt-get install tmux)");
        }

        string dll = AppUnderTest.DllPath;
        int port = AppUnderTest.FreePort();
        string dir = Directory.CreateTempSubdirectory("securechat-paste-").FullName;
        string serverPid = Path.Combine(dir, "server.pid");
        using var tmux = new Tmux();
        try
        {
            tmux.NewSession("server", $"sh -c 'echo $$ > \"{serverPid}\"; exec dotnet \"{dll}\" --config-dir \"{AppUnderTest.NewConfigDir()}\" --server --port {port} --name Alice'; sleep 60");
            tmux.WaitForScreen("server", s => s.Contains("listening", StringComparison.Ordinal), s_wait, "the server's listening status");
            using RunningApp client = AppUnderTest.Start("--client", "localhost", port.ToString(CultureInfo.InvariantCulture), "--headless");
            client.WaitForOutput("[*] Alice is the server's operator", s_wait);
            tmux.WaitForScreen("server", s => s.Contains("Client joined", StringComparison.Ordinal), s_wait, "the client joining");
            int pid = int.Parse(File.ReadAllText(serverPid).Trim(), CultureInfo.InvariantCulture);

            string text = string.Concat(Enumerable.Range(0, 1599).Select(i => $"{i % 10}bcdefghi ")) + "0123END-OF-IT";
            text.Length.ShouldBe(16_003);
            long rssBefore = RssKb(pid);
            var clock = Stopwatch.StartNew();
            tmux.Paste("server", text, bracketed);
            tmux.WaitForScreen("server", s => s.Contains("0123END-OF-IT", StringComparison.Ordinal), s_wait, "the end of the paste in the input line", pollMilliseconds: 10);
            TimeSpan shown = clock.Elapsed;
            long rssAfter = RssKb(pid);
            TestContext.Current.TestOutputHelper?.WriteLine($"paste {(bracketed ? "bracketed" : "keys")} {text.Length} chars: {shown.TotalSeconds:F2} s, RSS +{(rssAfter - rssBefore) / 1024} MB");

            Thread.Sleep(300);
            tmux.Keys("server", "Enter");
            client.WaitForOutput("[Alice:operator]: " + text, s_wait);

            tmux.Paste("server", "first line\nexit\n/nick Mallory\n", bracketed);
            string pasted = string.Join(ChatInput.NewlineMark, "first line", "exit", "/nick Mallory");
            tmux.WaitForScreen("server", s => s.Contains(pasted, StringComparison.Ordinal), s_wait, "the multi-line paste in the input line");
            Thread.Sleep(500);
            tmux.Keys("server", "Enter");
            client.WaitForOutput(@"[Alice:operator]: first line\nexit\n/nick Mallory", s_wait);
            string screen = tmux.WaitForScreen("server", s => s.Contains("<Alice> first line", StringComparison.Ordinal), s_wait, "the multi-line message");
            string[] rows = screen.Split('\n');
            int first = Array.FindIndex(rows, r => r.Contains("<Alice> first line", StringComparison.Ordinal));
            rows[first + 1].ShouldContain("      exit");
            rows[first + 2].ShouldContain("      /nick Mallory");
            screen.ShouldNotContain("now known as Mallory");
            Tmux.StatusLine(screen).ShouldContain("F10");

            // Newlines by hand, as this terminal (tmux) delivers them: Ctrl+J as a line feed, Alt+Enter as ESC CR.
            // Keys come at a person's pace: each step waits until the input line shows it (a newline as the mark), so
            // a loaded machine cannot hand the app ESC CR and the next text at once (Terminal.Gui reads them as one
            // sequence), nor the Enter in the iteration right after a burst of typed keys (a pasted newline).
            string draft = string.Empty;
            foreach (string step in new[] { "typed", "C-j", "by", "M-Enter", "hand" })
            {
                if (step.Contains('-', StringComparison.Ordinal))
                {
                    tmux.Keys("server", step);
                    draft += ChatInput.NewlineMark;
                }
                else
                {
                    tmux.Type("server", step, enter: false);
                    draft += step;
                }

                tmux.WaitForScreen("server", s => s.Contains(draft, StringComparison.Ordinal), s_wait, $"the input line showing '{draft}'");
                Thread.Sleep(200);
            }

            tmux.Keys("server", "Enter");
            client.WaitForOutput(@"[Alice:operator]: typed\nby\nhand", s_wait);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static long RssKb(int pid) =>
        long.Parse(File.ReadAllLines($"/proc/{pid}/status").Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
