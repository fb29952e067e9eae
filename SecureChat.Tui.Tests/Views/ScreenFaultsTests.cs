using SecureChat.Tui.App;
using SecureChat.Tui.Tests.Support;
using SecureChat.Tui.Views;
using Terminal.Gui.App;
using Terminal.Gui.Drivers;

namespace SecureChat.Tui.Tests.Views;

[Collection(TerminalGuiCollection.Name)]
public sealed class ScreenFaultsTests
{
    [Fact]
    public void A_fault_is_shown_once_as_one_line_and_repeats_at_most_once_per_interval()
    {
        var shown = new List<ChatLine>();
        DateTimeOffset now = DateTimeOffset.UnixEpoch;
        var faults = new ScreenFaults(shown.Add, () => now);

        for (int i = 0; i < 100; i++)
        {
            faults.Survive(new InvalidOperationException("boom")).ShouldBeTrue();
        }

        shown.Count.ShouldBe(1);
        shown[0].Kind.ShouldBe(LineKind.Error);
        shown[0].Text.ShouldContain("InvalidOperationException");
        shown[0].Text.ShouldNotContain("\n");
        faults.Survive(new NullReferenceException()).ShouldBeTrue();
        shown.Count.ShouldBe(2);
        now += ScreenFaults.RepeatInterval;
        faults.Survive(new InvalidOperationException("boom"));
        shown.Count.ShouldBe(3);
        faults.Count.ShouldBe(102);
        faults.Summary.ShouldBe("the screen carried on after 102 internal errors (first: InvalidOperationException)");
    }

    [Fact]
    public void No_fault_means_no_summary()
    {
        new ScreenFaults(_ => { }).Summary.ShouldBeNull();
    }

    [Fact]
    public void The_run_loop_goes_on_after_an_exception_from_a_callback_and_shows_it_in_the_pane()
    {
        ScreenMode.BindQuitKey();
        using IApplication app = Application.Create();
        app.Init(DriverRegistry.Names.ANSI);
        app.Driver!.SetScreenSize(100, 20);
        using var window = new ChatWindow("faults");
        var faults = new ScreenFaults(line => window.Pane.Append(new PaneEntry(line)));
        int iterationsAfter = 0;
        app.AddTimeout(TimeSpan.FromMilliseconds(10), () => throw new InvalidOperationException("from a callback"));
        app.AddTimeout(TimeSpan.FromMilliseconds(50), () =>
        {
            iterationsAfter++;
            if (iterationsAfter == 3)
            {
                window.Quit();
            }

            return iterationsAfter < 3;
        });
        app.AddTimeout(TimeSpan.FromSeconds(20), () =>
        {
            app.RequestStop();
            return false;
        });

        app.Run(window, faults.Survive);

        iterationsAfter.ShouldBe(3);
        faults.Count.ShouldBe(1);
        window.Pane.Entries.ShouldContain(e => e.Text.Contains("InvalidOperationException", StringComparison.Ordinal));
    }
}
