using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using SecureChat.Engine.Transport;
using SecureChat.Tui.Tests.Support;

namespace SecureChat.Tui.Tests.EndToEnd;

/// <summary>
/// Emoji sequences (skin tones, ZWJ sequences, presentation selectors, flags, keycaps) mixed with ASCII, sent by a peer
/// on 127.0.0.1 and wrapped in real terminals (tmux) at 120 and 80 columns: each row of the message holds exactly the
/// clusters the wrap puts there, in the cells tmux itself gives each cluster (asked of tmux, not assumed), no cluster
/// is split across rows, and every row still ends with the window's border in the last column.
/// </summary>
public sealed partial class EmojiWrapTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    private static readonly string s_solid = "E1" + string.Concat(Enumerable.Repeat("👍🏽a👩‍💻b❤️c✌🏽d🧑🏽‍💻e👨‍👩‍👧f🇫🇷g1️⃣h🏳️‍🌈i", 8));

    private static readonly string s_words = "E2 " + string.Concat(Enumerable.Repeat("👍🏽👩‍💻 ❤️ok 🧑🏽‍💻🏴󠁧󠁢󠁳󠁣󠁴󠁿 word 🇫🇷✌🏽 ", 9)).TrimEnd();

    [Fact]
    public async Task Emoji_sequences_wrap_at_120_and_80_columns_in_the_cells_tmux_draws_and_no_row_is_misdrawn()
    {
        if (!Tmux.IsInstalled())
        {
            Assert.Skip("tmux is not installed: the real-terminal test cannot run (apt-get install tmux)");
        }

        string dll = AppUnderTest.DllPath;
        int port = AppUnderTest.FreePort();
        using var tmux = new Tmux();
        TmuxCells cells = TmuxCells.Measure(tmux, [s_solid, s_words, Shown(s_solid)]);
        foreach ((string cluster, int width) in cells.Measured)
        {
            output.WriteLine($"{cluster} ({string.Join(' ', cluster.EnumerateRunes().Select(r => r.Value.ToString("X4", CultureInfo.InvariantCulture)))}): {width} cells in tmux");
        }

        tmux.NewSession("server", $"dotnet '{dll}' --config-dir '{AppUnderTest.NewConfigDir()}' --server --port {port} --name Alice; sleep 60", 120, 40);
        tmux.WaitForScreen("server", s => Tmux.StatusLine(s).Contains("listening", StringComparison.Ordinal), s_wait, "the server's listening status");
        tmux.NewSession("client", $"dotnet '{dll}' --config-dir '{AppUnderTest.NewConfigDir()}' --client localhost {port} --name Bob; sleep 60", 80, 30);
        tmux.WaitForScreen("client", s => Tmux.StatusLine(s).Contains("secure", StringComparison.Ordinal), s_wait, "the client's secure stage");

        // Bob is in #lobby's group before Mallory enters it: a member reads only the texts of epochs it was in, and
        // Mallory's texts go out in the epoch that added her or a later one.
        tmux.WaitForScreen("client", s => s.Contains("encryption: joined the group", StringComparison.Ordinal), s_wait, "the client in #lobby's group");

        await using var peer = new ChatClient(new ChatOptions { Name = "Mallory" });
        await peer.ConnectAsync("127.0.0.1", port);
        await peer.SendAsync(s_solid);
        await peer.SendAsync(s_words);
        await peer.SendAsync("DONE");
        foreach ((string session, int width) in new[] { ("server", 120), ("client", 80) })
        {
            string screen = tmux.WaitForScreen(session, s => s.Contains("<Mallory> DONE", StringComparison.Ordinal), s_wait, "the last message");
            string[] rows = [.. screen.Split('\n').Select(r => r.TrimEnd('\r'))];
            CheckEntry(rows, "E1", Shown(s_solid), width, cells, screen);
            CheckEntry(rows, "E2", Shown(s_words), width, cells, screen);
            foreach (string row in rows.Where(r => r.Length > 0))
            {
                cells.Of(row).ShouldBe(width, $"a row is not {width} cells wide in tmux:\n{screen}");
                row.EnumerateRunes().Last().ToString().ShouldBeOneOf(["│", "┐", "┘"], $"a row does not end with the border:\n{screen}");
            }

            output.WriteLine($"{session} at {width} columns:\n{screen}");
        }

        tmux.Keys("client", "F10");
        tmux.Keys("server", "F10");
    }

    [Fact]
    public void Emoji_typed_on_a_client_show_as_text_in_its_own_pane_and_the_servers()
    {
        if (!Tmux.IsInstalled())
        {
            Assert.Skip("tmux is not installed: the real-terminal test cannot run (apt-get install tmux)");
        }

        const string Typed = "👍🏽 👩‍💻 ❤️ 🏳️‍🌈";
        string dll = AppUnderTest.DllPath;
        int port = AppUnderTest.FreePort();
        using var tmux = new Tmux();
        TmuxCells cells = TmuxCells.Measure(tmux, [Typed, Shown(Typed)]);
        tmux.NewSession("server", $"dotnet '{dll}' --config-dir '{AppUnderTest.NewConfigDir()}' --server --port {port} --name Alice; sleep 60", 120, 40);
        tmux.WaitForScreen("server", s => Tmux.StatusLine(s).Contains("listening", StringComparison.Ordinal), s_wait, "the server's listening status");
        tmux.NewSession("client", $"dotnet '{dll}' --config-dir '{AppUnderTest.NewConfigDir()}' --client localhost {port} --name Bob; sleep 60", 80, 24);
        tmux.WaitForScreen("client", s => s.Contains("Alice is the server's operator", StringComparison.Ordinal), s_wait, "the client's secure stage");

        tmux.Type("client", Typed, enter: false);
        tmux.WaitForScreen("client", s => s.Contains(">" + Typed, StringComparison.Ordinal) || s.Contains("> " + Typed, StringComparison.Ordinal), s_wait, "the typed emoji in the input line");
        Thread.Sleep(250);
        tmux.Keys("client", "Enter");
        string line = "<Bob> " + Shown(Typed);
        foreach ((string session, int width) in new[] { ("server", 120), ("client", 80) })
        {
            string screen = tmux.WaitForScreen(session, s => s.Contains(line, StringComparison.Ordinal), s_wait, "the message as text");
            output.WriteLine($"{session}:\n{screen}");
            foreach (string row in screen.Split('\n').Select(r => r.TrimEnd('\r')).Where(r => r.Length > 0))
            {
                cells.Of(row).ShouldBe(width, $"a row is not {width} cells wide in tmux:\n{screen}");
            }

            screen.ShouldNotContain(@"\u{1F3FD}");
            screen.ShouldNotContain(@"\u{FE0F}");
        }

        tmux.Keys("client", "F10");
        tmux.Keys("server", "F10");
    }

    /// <summary>
    /// The text as the pane shows it: tmux 3.3a draws a ZWJ sequence that starts with a narrow character (🏳️‍🌈) one cell
    /// wide while Terminal.Gui reserves two, so the pane shows that sequence's joiner as an escape to keep the row whole.
    /// </summary>
    private static string Shown(string text) => text.Replace("🏳️‍🌈", "🏳️\\u{200D}🌈", StringComparison.Ordinal);

    /// <summary>
    /// Finds the entry's rows on the screen and checks them against a greedy word wrap at the pane's width. Tags are
    /// left out of the comparison: tmux keeps only the first bytes of a long cluster (🏴󠁧󠁢󠁳󠁣󠁴󠁿 loses its last tags).
    /// </summary>
    private static void CheckEntry(string[] rows, string marker, string text, int width, TmuxCells cells, string screen)
    {
        // From 100 columns the window list takes the left of the screen (its entries are ASCII here: a char a cell).
        int start = width >= SecureChat.Tui.Views.WindowList.SideMinimumWidth ? 1 + SecureChat.Tui.Views.WindowList.SideWidth : 1;
        int paneWidth = width - 1 - start;
        int first = Array.FindIndex(rows, r => r.Contains("<Mallory>", StringComparison.Ordinal)
            && (r.Contains("<Mallory> " + marker, StringComparison.Ordinal) || rows[Array.IndexOf(rows, r) + 1][start..].TrimStart().StartsWith(marker, StringComparison.Ordinal)));
        first.ShouldBeGreaterThanOrEqualTo(0, $"{marker} is not on the screen:\n{screen}");
        string head = rows[first][start..].TrimEnd()[..5];
        Time().IsMatch(head).ShouldBeTrue(screen);
        string[] expected = Wrap($"{head} <Mallory> {text}", paneWidth, cells);
        for (int i = 0; i < expected.Length; i++)
        {
            string row = rows[first + i];
            string inside = row[start..^1];
            WithoutTags(inside.TrimEnd()).ShouldBe(WithoutTags(expected[i]), $"row {i} of {marker} at {width} columns:\n{screen}");
            cells.Of(inside).ShouldBe(paneWidth, $"row {i} of {marker} at {width} columns:\n{screen}");
        }
    }

    /// <summary>A greedy word wrap by grapheme cluster: words move to the next row (indented 6) when they do not fit; a word wider than a row breaks between clusters.</summary>
    private static string[] Wrap(string text, int width, TmuxCells measure)
    {
        const int Indent = 6;
        var rows = new List<string>();
        var row = new StringBuilder();
        int column = 0;
        foreach (string word in text.Split(' '))
        {
            int cells = measure.Of(word);
            if (row.Length > 0 && column + 1 + cells <= width)
            {
                row.Append(' ').Append(word);
                column += 1 + cells;
                continue;
            }

            if (row.Length > 0)
            {
                rows.Add(row.ToString());
                row.Clear().Append(' ', Indent);
                column = Indent;
            }

            foreach (string cluster in TmuxCells.Clusters(word))
            {
                int w = measure.Of(cluster);
                if (column + w > width)
                {
                    rows.Add(row.ToString());
                    row.Clear().Append(' ', Indent);
                    column = Indent;
                }

                row.Append(cluster);
                column += w;
            }
        }

        rows.Add(row.ToString());
        return [.. rows];
    }

    private static string WithoutTags(string text) =>
        string.Concat(text.EnumerateRunes().Where(r => r.Value is < 0xE0000 or > 0xE007F).Select(r => r.ToString()));

    [GeneratedRegex(@"^\d\d:\d\d$")]
    private static partial Regex Time();
}
