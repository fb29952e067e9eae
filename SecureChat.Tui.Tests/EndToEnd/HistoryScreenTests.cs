using System.Globalization;
using SecureChat.Tui.Tests.Support;

namespace SecureChat.Tui.Tests.EndToEnd;

/// <summary>
/// The history on the full screen in a real terminal (tmux), the client with its own config and data directories:
/// started again, its room's window shows the lines kept before, PgUp past them loads older ones from the history,
/// and /search finds a line.
/// </summary>
public sealed class HistoryScreenTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(60);

    /// <summary>More lines than a window shows again at start (<c>ChatHistory.PageLines</c>), so that PgUp must load the rest.</summary>
    private const int Lines = 230;

    [Fact]
    public void A_restarted_client_shows_its_rooms_kept_lines_and_pgup_past_them_loads_the_older_ones()
    {
        using Tmux tmux = TmuxApp.NewTmuxOrSkip();
        int port = AppUnderTest.FreePort();
        using RunningApp server = AppUnderTest.StartServer(port, "Alice");
        string[] client = ["--client", "localhost", port.ToString(CultureInfo.InvariantCulture), "--name", "Bob", "--config-dir", AppUnderTest.NewConfigDir()];
        client = [.. client, "--data-dir", AppUnderTest.DataDirOf(client)];
        TmuxApp first = TmuxApp.Start(tmux, "first", client);
        first.WaitForScreen(s => s.Contains("Alice is the server's operator", StringComparison.Ordinal), "the client in the lobby");
        tmux.Type("first", "kept from the first run");
        server.WaitForOutput("[#lobby] [Bob]: kept from the first run", s_wait);
        for (int i = 1; i <= Lines; i++)
        {
            server.WriteLine(string.Create(CultureInfo.InvariantCulture, $"old line {i:000}"));
        }

        first.WaitForScreen(s => s.Contains(string.Create(CultureInfo.InvariantCulture, $"<Alice> old line {Lines:000}"), StringComparison.Ordinal), "the last line");
        first.Keys("F10");
        first.WaitForExit().ShouldBe("EXIT:0");

        TmuxApp again = TmuxApp.Start(tmux, "again", client);
        string restored = again.WaitForScreen(
            s => s.Contains(string.Create(CultureInfo.InvariantCulture, $"<Alice> old line {Lines:000}"), StringComparison.Ordinal) && Tmux.StatusLine(s).Contains("secure", StringComparison.Ordinal),
            "the room's kept lines shown again");
        output.WriteLine(restored);

        // The window showed the last 200 kept lines; PgUp past the oldest of them loads older ones, down to the first.
        string top = string.Empty;
        for (int presses = 0; presses < 40 && !top.Contains("<Bob> kept from the first run", StringComparison.Ordinal); presses++)
        {
            again.Keys("PageUp");
            Thread.Sleep(200);
            top = tmux.Capture("again");
        }

        output.WriteLine(top);
        top.ShouldContain("<Bob> kept from the first run");
        top.ShouldContain("<Alice> old line 001");

        tmux.Type("again", "/search first run");
        again.WaitForScreen(s => s.Contains("1 kept line holding \"first run\", newest first:", StringComparison.Ordinal), "the search's answer");
        again.Keys("F10");
        again.WaitForExit().ShouldBe("EXIT:0");
        server.WriteLine("exit");
        server.WaitForExit(s_wait).ShouldBe(0);
    }
}
