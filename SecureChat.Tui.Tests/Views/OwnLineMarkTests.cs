using SecureChat.Tui.App;
using SecureChat.Tui.Headless;
using SecureChat.Tui.Views;

namespace SecureChat.Tui.Tests.Views;

/// <summary>How an own line's state shows: pending, sent, acknowledged by the hub; in the pane and in headless output.</summary>
public sealed class OwnLineMarkTests
{
    private static readonly DateTimeOffset s_noon = new(2026, 12, 7, 12, 34, 0, TimeZoneInfo.Local.GetUtcOffset(new DateTime(2026, 12, 7, 12, 34, 0)));

    private static ChatLine Own(string text, long id) => new ChatLine(LineKind.Own, text, "Bob", s_noon) with { Id = id };

    [Fact]
    public void A_pending_line_reads_pending_a_sent_one_plain_and_an_acknowledged_one_ends_in_a_check_mark()
    {
        new PaneEntry(Own("hi", 1) with { Pending = true }).Format().ShouldBe("12:34 <Bob> hi (pending)");
        new PaneEntry(Own("hi", 1)).Format().ShouldBe("12:34 <Bob> hi");
        new PaneEntry(Own("hi", 1) with { Acknowledged = true }).Format().ShouldBe("12:34 <Bob> hi ✓");
        new PaneEntry(Own("/me waves", 2) with { Acknowledged = true }).Format().ShouldBe("12:34 * <Bob> waves ✓");
    }

    [Fact]
    public void The_pane_replaces_the_line_of_the_same_number_in_place_and_leaves_the_others()
    {
        var pane = new MessagePane();
        pane.Append(new PaneEntry(Own("one", 1)));
        pane.Append(new PaneEntry(ChatLine.Notice("between")));
        pane.Append(new PaneEntry(Own("two", 2) with { Pending = true }));

        pane.Update(Own("two", 2));
        pane.Update(Own("one", 1) with { Acknowledged = true });
        pane.Update(Own("gone", 99) with { Acknowledged = true });

        pane.Entries.Select(e => e.Format()).ShouldBe(["12:34 <Bob> one ✓", $"{ChatLine.Notice("between").Time.ToLocalTime():HH:mm} -!- between", "12:34 <Bob> two"]);
    }

    [Fact]
    public void Headless_text_says_nothing_of_a_mark_and_json_says_ack_with_the_lines_id_and_text()
    {
        using var text = new StringWriter();
        using var json = new StringWriter();
        new ConsoleView(text, TextWriter.Null).Update(Own("hi", 3) with { Acknowledged = true });
        var jsonView = new ConsoleView(json, TextWriter.Null, json: true);
        jsonView.Update(Own("hi", 3) with { Acknowledged = true });
        jsonView.Update(Own("sent after waiting", 4));

        text.ToString().ShouldBeEmpty();
        string line = json.ToString().Trim();
        line.ShouldStartWith("{\"time\":\"");
        line.ShouldEndWith("\"event\":\"ack\",\"id\":3,\"text\":\"hi\"}");
        line.Split('\n').Length.ShouldBe(1, "only an acknowledgement is an event");
    }
}
