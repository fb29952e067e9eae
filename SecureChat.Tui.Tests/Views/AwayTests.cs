using SecureChat.Tui.App;
using SecureChat.Tui.Views;

namespace SecureChat.Tui.Tests.Views;

/// <summary>
/// <c>--bell</c>'s idea of away (<see cref="AwayTracker"/>) and what it writes to the terminal
/// (<see cref="AwayAlerts"/>), on a clock the test moves: a bell once per burst of others' messages while away, a
/// counter in the title, both taken back when the user returns; never for our own lines or notices.
/// </summary>
public sealed class AwayTests
{
    private static readonly DateTimeOffset s_start = new(2026, 7, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Without_focus_reports_a_minute_without_keys_is_away_and_a_key_is_a_return()
    {
        var tracker = new AwayTracker(s_start);
        tracker.IsAway(s_start + AwayTracker.IdleLimit - TimeSpan.FromSeconds(1)).ShouldBeFalse();
        tracker.IsAway(s_start + AwayTracker.IdleLimit).ShouldBeTrue();
        tracker.Arrived(LineKind.Message, s_start + TimeSpan.FromSeconds(10)).ShouldBe((false, false), "a message while present is not counted");

        tracker.Arrived(LineKind.Message, s_start + TimeSpan.FromSeconds(70)).ShouldBe((true, true));
        tracker.Unseen.ShouldBe(1);
        tracker.KeyPressed(s_start + TimeSpan.FromSeconds(80)).ShouldBeTrue("the counter was shown: take it down");
        tracker.Unseen.ShouldBe(0);
        tracker.IsAway(s_start + TimeSpan.FromSeconds(100)).ShouldBeFalse();
        tracker.KeyPressed(s_start + TimeSpan.FromSeconds(101)).ShouldBeFalse("nothing to take down");
    }

    [Fact]
    public void Once_the_terminal_reports_focus_only_focus_decides()
    {
        var tracker = new AwayTracker(s_start);
        tracker.ReportsFocus.ShouldBeFalse();
        tracker.FocusChanged(true, s_start).ShouldBeFalse();
        tracker.ReportsFocus.ShouldBeTrue();
        tracker.IsAway(s_start + TimeSpan.FromHours(1)).ShouldBeFalse("focused: reading without typing is not away");

        tracker.FocusChanged(false, s_start + TimeSpan.FromSeconds(5)).ShouldBeFalse();
        tracker.IsAway(s_start + TimeSpan.FromSeconds(6)).ShouldBeTrue("the window lost the focus: away at once");
        tracker.Arrived(LineKind.Message, s_start + TimeSpan.FromSeconds(7)).ShouldBe((true, true));
        tracker.FocusChanged(true, s_start + TimeSpan.FromSeconds(8)).ShouldBeTrue();
        tracker.Unseen.ShouldBe(0);

        // A key while reported unfocused (a focus-in report lost on the way) is a return too.
        tracker.FocusChanged(false, s_start + TimeSpan.FromSeconds(9));
        tracker.KeyPressed(s_start + TimeSpan.FromSeconds(10));
        tracker.IsAway(s_start + TimeSpan.FromSeconds(11)).ShouldBeFalse();
    }

    [Fact]
    public void A_burst_rings_once_and_a_message_after_a_quiet_gap_rings_again()
    {
        var tracker = new AwayTracker(s_start);
        tracker.FocusChanged(false, s_start);
        DateTimeOffset t = s_start + TimeSpan.FromSeconds(1);
        tracker.Arrived(LineKind.Message, t).ShouldBe((true, true));
        tracker.Arrived(LineKind.Message, t + TimeSpan.FromSeconds(5)).ShouldBe((true, false));
        tracker.Arrived(LineKind.Message, t + TimeSpan.FromSeconds(65)).ShouldBe((true, false), "within the gap of the last message: the same burst");
        tracker.Arrived(LineKind.Message, t + TimeSpan.FromSeconds(65) + AwayTracker.BurstGap).ShouldBe((true, true), "after a quiet gap: a new burst");
        tracker.Unseen.ShouldBe(4);
    }

    [Fact]
    public void Our_own_lines_notices_and_errors_never_count()
    {
        var tracker = new AwayTracker(s_start);
        tracker.FocusChanged(false, s_start);
        foreach (LineKind kind in new[] { LineKind.Own, LineKind.Notice, LineKind.Error })
        {
            tracker.Arrived(kind, s_start + TimeSpan.FromSeconds(1)).ShouldBe((false, false), kind.ToString());
        }

        tracker.Unseen.ShouldBe(0);
    }

    [Fact]
    public void The_alerts_write_one_bell_per_burst_a_counter_title_while_away_and_the_window_title_on_return()
    {
        var written = new List<string>();
        DateTimeOffset now = s_start;
        var alerts = new AwayAlerts(written.Add, () => "Alice", () => "SecureChat server on localhost:12345 - you are Alice", () => now);

        alerts.Arrived(LineKind.Message);
        written.ShouldBeEmpty("present: no bell, no title");

        alerts.FocusChanged(false);
        alerts.Arrived(LineKind.Message);
        alerts.Arrived(LineKind.Own);
        alerts.Arrived(LineKind.Notice);
        alerts.Arrived(LineKind.Message);
        written.ShouldBe(["\a", "\u001b]0;(1) SecureChat - Alice\u001b\\", "\u001b]0;(2) SecureChat - Alice\u001b\\"]);

        written.Clear();
        alerts.FocusChanged(true);
        written.ShouldBe(["\u001b]0;SecureChat server on localhost:12345 - you are Alice\u001b\\"]);

        written.Clear();
        alerts.Arrived(LineKind.Message);
        alerts.KeyPressed();
        alerts.Close();
        written.ShouldBe([AwayAlerts.FocusReportingOff], "back and present: nothing but focus reports off at the end");
    }

    [Fact]
    public void Closing_while_away_takes_the_counter_down()
    {
        var written = new List<string>();
        DateTimeOffset now = s_start;
        var alerts = new AwayAlerts(written.Add, () => "Bob", () => "the window title", () => now);
        now += AwayTracker.IdleLimit;
        alerts.Arrived(LineKind.Message);
        written.Clear();
        alerts.Close();
        written.ShouldBe(["\u001b]0;the window title\u001b\\", AwayAlerts.FocusReportingOff]);
    }

    [Fact]
    public void The_counter_title_cannot_carry_control_characters()
    {
        var written = new List<string>();
        var alerts = new AwayAlerts(written.Add, () => "Eve\u0007\u001b]0;pwned", () => "t", () => s_start);
        alerts.FocusChanged(false);
        alerts.Arrived(LineKind.Message);
        string title = written.Single(w => w.StartsWith("\u001b]0;", StringComparison.Ordinal));
        title[4..^2].ShouldNotContain("\u001b");
        title[4..^2].ShouldNotContain("\u0007");
    }

    [Fact]
    public void A_message_that_names_the_user_rings_even_when_the_user_is_here_and_sets_no_counter()
    {
        var written = new List<string>();
        var alerts = new AwayAlerts(written.Add, () => "Alice", () => "t", () => s_start);

        alerts.Arrived(LineKind.Message, mention: true);
        alerts.Arrived(LineKind.Notice, mention: true);

        written.ShouldBe([AwayAlerts.Bell], "one bell for the message that names Alice, none for a notice, and no counter while she is here");
    }
}
