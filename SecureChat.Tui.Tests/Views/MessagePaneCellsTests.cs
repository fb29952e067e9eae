using SecureChat.Tui.App;
using SecureChat.Tui.Tests.Support;
using SecureChat.Tui.Views;
using Terminal.Gui.Drawing;
using Terminal.Gui.Text;

namespace SecureChat.Tui.Tests.Views;

/// <summary>
/// The pane lays each cluster out in the cells the terminal draws for it: where Terminal.Gui's own width is smaller
/// (👍🏽 2 against tmux's 4, ✌🏽 1 against 3), empty cells, which write nothing, follow the cluster, so what comes after
/// it is written where the terminal's cursor will be.
/// </summary>
[Collection(TerminalGuiCollection.Name)]
public sealed class MessagePaneCellsTests
{
    [Fact]
    public void A_cluster_the_toolkit_draws_narrower_than_the_terminal_is_followed_by_empty_cells()
    {
        using var screen = new TestScreen(width: 40, height: 10);
        screen.Window.Pane.Append(new PaneEntry(DateTimeOffset.Now, "Bob", "👍🏽x✌🏽y👩‍💻z", LineKind.Message));
        screen.Screen();

        Cell[,] contents = screen.App.Driver!.Contents!;
        (int row, int at) = Find(contents, "👍🏽");
        string[] cells = [.. Enumerable.Range(at, 12).Select(c => contents[row, c].Grapheme)];
        cells[2].ShouldBe(string.Empty, "the terminal's third and fourth cells of 👍🏽");
        cells[3].ShouldBe(string.Empty);
        cells[4].ShouldBe("x");
        cells[5].ShouldBe("✌🏽");
        cells[6].ShouldBe(string.Empty, "the terminal's second and third cells of ✌🏽");
        cells[7].ShouldBe(string.Empty);
        cells[8].ShouldBe("y");
        cells[9].ShouldBe("👩‍💻");
        cells[11].ShouldBe("z");

        // What the toolkit writes for the row (each cell's grapheme, the second cell of a wide one skipped) is the
        // text itself: the empty cells add nothing between the clusters.
        var written = new System.Text.StringBuilder();
        for (int column = 0; column < contents.GetLength(1); column++)
        {
            string grapheme = contents[row, column].Grapheme;
            written.Append(grapheme);
            column += grapheme.GetColumns() > 1 ? 1 : 0;
        }

        written.ToString().ShouldContain("👍🏽x✌🏽y👩‍💻z");
    }

    private static (int Row, int Column) Find(Cell[,] contents, string grapheme)
    {
        for (int row = 0; row < contents.GetLength(0); row++)
        {
            for (int column = 0; column < contents.GetLength(1); column++)
            {
                if (contents[row, column].Grapheme == grapheme)
                {
                    return (row, column);
                }
            }
        }

        throw new ShouldAssertException($"{grapheme} is not on the screen");
    }
}
