using SecureChat.Tui.App;
using SecureChat.Tui.Views;

namespace SecureChat.Tui.Tests.Views;

/// <summary>Kept lines put above a pane's oldest line (PgUp past it): in order, with date lines, within --scrollback, and never rung for.</summary>
public sealed class KeptLinesPaneTests
{
    private static readonly DateTimeOffset s_today = new(2026, 12, 7, 12, 0, 0, TimeZoneInfo.Local.GetUtcOffset(new DateTime(2026, 12, 7, 12, 0, 0)));

    private static PaneEntry Kept(string text, DateTimeOffset time) => new(new ChatLine(LineKind.Message, text, "Alice", time) { Kept = true });

    [Fact]
    public void Older_lines_go_above_the_oldest_in_order_with_a_date_line_where_the_day_changes()
    {
        var pane = new MessagePane();
        pane.Append(new PaneEntry(new ChatLine(LineKind.Message, "today", "Alice", s_today)));

        int put = pane.Prepend([Kept("day before yesterday", s_today.AddDays(-2)), Kept("yesterday", s_today.AddDays(-1))]);

        put.ShouldBe(4);
        pane.Entries.Select(e => e.Text).ShouldBe(["day before yesterday", "Sunday 6 December 2026", "yesterday", "Monday 7 December 2026", "today"]);
    }

    [Fact]
    public void Only_as_many_as_the_scrollback_holds_are_put_the_newest_of_them()
    {
        var pane = new MessagePane(capacity: 10);
        for (int i = 0; i < 8; i++)
        {
            pane.Append(new PaneEntry(new ChatLine(LineKind.Message, $"now {i}", "Alice", s_today)));
        }

        int put = pane.Prepend([Kept("old 1", s_today), Kept("old 2", s_today), Kept("old 3", s_today)]);

        put.ShouldBe(2);
        pane.Count.ShouldBe(10);
        pane.Entries.Take(2).Select(e => e.Text).ShouldBe(["old 2", "old 3"]);
        pane.Prepend([Kept("old 0", s_today)]).ShouldBe(0);
    }

    [Fact]
    public void A_kept_line_shown_again_is_not_announced_as_arrived_but_a_new_one_is()
    {
        var pane = new MessagePane();
        var arrived = new List<string>();
        pane.Appended += e => arrived.Add(e.Text);

        pane.Append(Kept("from the history", s_today));
        pane.Append(new PaneEntry(new ChatLine(LineKind.Message, "new", "Alice", s_today)));

        arrived.ShouldBe(["new"]);
    }
}
