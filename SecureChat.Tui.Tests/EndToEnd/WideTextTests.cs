using SecureChat.Engine.Transport;
using SecureChat.Tui.Tests.Support;

namespace SecureChat.Tui.Tests.EndToEnd;

/// <summary>
/// The full screen in a real terminal (tmux, 120x40) while a peer on 127.0.0.1 sends wide (CJK, emoji), combining,
/// invisible and control text, long enough to wrap: every row of the window must still be exactly the terminal's
/// width with its border in the last column, as tmux itself laid the cells out (the cells of each cluster of several
/// code points asked of tmux, see <see cref="TmuxCells"/>).
/// </summary>
public sealed class WideTextTests
{
    private const int Width = 120;
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    private static readonly string[] s_messages =
    [
        "W1 " + string.Concat(Enumerable.Repeat("你好世界", 20)),
        "W2 " + string.Concat(Enumerable.Repeat("😀🎉 ", 30)),
        "W3 " + string.Concat(Enumerable.Repeat("e\u0301a\u0308o\u0302 ", 30)),
        "W4 mixed 你好 a😀b e\u0301 ｗｉｄｅ ｆｕｌｌ half ﾊﾝｶｸ " + string.Concat(Enumerable.Repeat("字x", 40)),
        "W5 \u202Ereversed\u202C zero\u200Bwidth\u2060 family 👨\u200D👩\u200D👧 heart ❤\uFE0F thumbs 👍🏽 flags 🇫🇷🇯🇵 keycap 1\uFE0F\u20E3 hangul \u1100\u1161\u11A8 한국어",
        "W6 \u001b[31mred\u001b[0m\ttab\u001b]0;title\u0007 bell\u0007",
        "W7 two\nlines\r\nand a third",
    ];

    [Fact]
    public async Task Wide_combining_and_hostile_text_from_a_peer_keeps_the_borders_straight()
    {
        if (!Tmux.IsInstalled())
        {
            Assert.Skip("tmux is not installed: the real-terminal test cannot run (apt-get install tmux)");
        }

        string dll = AppUnderTest.DllPath;
        int port = AppUnderTest.FreePort();
        using var tmux = new Tmux();
        tmux.NewSession("server", $"dotnet '{dll}' --config-dir '{AppUnderTest.NewConfigDir()}' --server --port {port} --name Alice; sleep 60");
        tmux.WaitForScreen("server", s => s.Contains("listening", StringComparison.Ordinal) && s.Contains("F10", StringComparison.Ordinal), s_wait, "the server's listening status");

        await using var peer = new ChatClient(new ChatOptions { Name = "Mallory" });
        await peer.ConnectAsync("127.0.0.1", port);
        foreach (string message in s_messages)
        {
            await peer.SendAsync(message);
        }

        await peer.SendAsync("DONE");
        string screen = tmux.WaitForScreen("server", s => s.Contains("<Mallory> DONE", StringComparison.Ordinal), s_wait, "the last message");
        foreach (string marker in new[] { "W1", "W2", "W3", "W4", "W5", "W6", "W7" })
        {
            screen.ShouldContain("<Mallory> " + marker);
        }

        string[] rows = [.. screen.Split('\n').Select(r => r.TrimEnd('\r')).Where(r => r.Length > 0)];
        rows.Length.ShouldBe(40, screen);
        TmuxCells cells = TmuxCells.Measure(tmux, rows);
        for (int i = 0; i < rows.Length; i++)
        {
            string row = rows[i];
            cells.Of(row).ShouldBe(Width, $"row {i} is not {Width} cells wide:\n{screen}");
            string last = row.EnumerateRunes().Last().ToString();
            last.ShouldBeOneOf(["│", "┐", "┘"], $"row {i} does not end with the border:\n{screen}");
        }

        screen.ShouldNotContain("\u202E");
        screen.ShouldNotContain("\u001b");
        tmux.Keys("server", "F10");
    }
}
