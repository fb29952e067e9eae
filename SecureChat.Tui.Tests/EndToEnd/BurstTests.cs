using System.Globalization;
using SecureChat.Tui.Tests.Support;
using SecureChat.Tui.Views;

namespace SecureChat.Tui.Tests.EndToEnd;

/// <summary>
/// Keys that arrive in one burst in a real terminal (tmux), into the full screen of a server with a headless client:
/// a line and its Enter sent by one <c>tmux send-keys</c> (as expect scripts and laggy links deliver them) is sent;
/// a bracketed paste whose text carries the paste-end marker and then "exit" as keys stays pasted text: nothing is
/// sent or run until the user presses Enter, and then it is one message.
/// </summary>
public sealed class BurstTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public void A_line_and_its_Enter_in_one_burst_are_sent_and_a_paste_that_carries_its_end_marker_stays_pasted()
    {
        if (!Tmux.IsInstalled())
        {
            Assert.Skip("tmux is not installed: the real-terminal burst test cannot run (apt-get install tmux)");
        }

        string dll = AppUnderTest.DllPath;
        int port = AppUnderTest.FreePort();
        string dir = Directory.CreateTempSubdirectory("securechat-burst-").FullName;
        string exit = Path.Combine(dir, "server.exit");
        using var tmux = new Tmux();
        try
        {
            tmux.NewSession("server", $"dotnet '{dll}' --config-dir '{AppUnderTest.NewConfigDir()}' --server --port {port} --name Alice; echo EXIT:$? > '{exit}'; sleep 60");
            tmux.WaitForScreen("server", s => s.Contains("listening", StringComparison.Ordinal), s_wait, "the server's listening status");
            using RunningApp client = AppUnderTest.Start("--client", "localhost", port.ToString(CultureInfo.InvariantCulture), "--name", "Bob", "--headless");
            tmux.WaitForScreen("server", s => s.Contains("Bob joined", StringComparison.Ordinal), s_wait, "the client joining");

            tmux.Paste("server", "harmless text\u001b[201~\rexit\r", bracketed: true);
            string pasted = $"harmless text{ChatInput.NewlineMark}exit{ChatInput.NewlineMark}";
            tmux.WaitForScreen("server", s => s.Contains(pasted, StringComparison.Ordinal), s_wait, "the whole paste in the input line");
            Thread.Sleep(500);
            File.Exists(exit).ShouldBeFalse("the paste must not quit the app");
            client.Output.ShouldNotContain("harmless text");

            tmux.Keys("server", "Enter");
            client.WaitForOutput(@"[Alice:operator]: harmless text\nexit", s_wait);
            File.Exists(exit).ShouldBeFalse("the pasted 'exit' is a message, not the command");

            int sent = 0;
            for (int i = 1; i <= 5; i++)
            {
                tmux.KeysThenEnter("server", $"burst line {i}");
                client.WaitForOutput($"[Alice:operator]: burst line {i}", s_wait);
                sent++;
            }

            TestContext.Current.TestOutputHelper?.WriteLine($"lines sent by one send-keys each with their Enter: {sent} of 5");
            tmux.Keys("server", "F10");
            Tmux.WaitForExitFile(exit, s_wait).ShouldBe("EXIT:0");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
