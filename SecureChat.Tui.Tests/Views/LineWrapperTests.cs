using SecureChat.Tui.Views;

namespace SecureChat.Tui.Tests.Views;

/// <summary>Wrapping by grapheme cluster, each in the cells tmux draws for it; no cluster split across rows.</summary>
public sealed class LineWrapperTests
{
    [Theory]
    [InlineData("👍🏽", 4)] // tmux does not join the skin tone: 2 + 2
    [InlineData("✌🏽", 3)]
    [InlineData("👩‍💻", 2)] // what follows a joiner takes no cells
    [InlineData("👨‍👩‍👧‍👦", 2)]
    [InlineData("🧑🏽‍💻", 4)]
    [InlineData("❤️", 1)] // the selector takes none
    [InlineData("😀", 2)]
    [InlineData("🇫🇷", 2)]
    [InlineData("1️⃣", 1)]
    [InlineData("🏴󠁧󠁢󠁳󠁣󠁴󠁿", 2)] // tags take none
    [InlineData("e\u0301", 1)]
    [InlineData("你", 2)]
    [InlineData("a", 1)]
    public void A_cluster_takes_the_cells_tmux_draws_for_it(string cluster, int cells)
    {
        TerminalCells.Clusters(cluster).ShouldHaveSingleItem();
        TerminalCells.Width(cluster).ShouldBe(cells);
    }

    [Theory]
    [InlineData("👍🏽", 20, 5)]
    [InlineData("👩‍💻", 20, 10)]
    [InlineData("🧑🏽‍💻", 10, 2)]
    [InlineData("✌🏽", 10, 3)]
    [InlineData("❤️", 7, 7)]
    public void A_long_word_of_emoji_breaks_between_clusters_and_fills_each_row(string cluster, int width, int perRow)
    {
        string word = string.Concat(Enumerable.Repeat(cluster, perRow * 3 + 1));
        IReadOnlyList<string> rows = LineWrapper.Wrap(word, width, 0);
        rows.Count.ShouldBe(4);
        foreach (string row in rows.Take(3))
        {
            row.ShouldBe(string.Concat(Enumerable.Repeat(cluster, perRow)));
            TerminalCells.Width(row.AsSpan()).ShouldBeLessThanOrEqualTo(width);
        }

        rows[3].ShouldBe(cluster);
    }

    [Fact]
    public void Words_of_emoji_wrap_at_spaces_by_their_cells()
    {
        // 👍🏽👍🏽 is 8 cells: after "x " it fills a row of 10 exactly, and needs a row of its own at 9.
        LineWrapper.Wrap("x 👍🏽👍🏽 y", 10, 0).ShouldBe(["x 👍🏽👍🏽", "y"]);
        LineWrapper.Wrap("x 👍🏽👍🏽 y", 9, 0).ShouldBe(["x", "👍🏽👍🏽", "y"]);
        LineWrapper.Wrap("ab 👩‍💻 ❤️ 👍🏽", 9, 2).ShouldBe(["ab 👩‍💻 ❤️", "  👍🏽"]);
    }

    [Fact]
    public void A_joined_sequence_the_toolkit_would_draw_wider_than_the_terminal_shows_its_joiner_escaped()
    {
        // Terminal.Gui gives 🏳️‍🌈 two cells, tmux draws one: drawn as is, it would shift the rest of the row.
        LineWrapper.Wrap("🏳️‍🌈 ❤️‍🔥 👩‍💻", 80, 0).ShouldBe([@"🏳️\u{200D}🌈 ❤️\u{200D}🔥 👩‍💻"]);
    }
}
