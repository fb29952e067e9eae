using System.Diagnostics;
using SecureChat.Engine.Transport;
using SecureChat.Tui.App;
using SecureChat.Tui.Tests.Support;
using SecureChat.Tui.Views;
using Terminal.Gui.Input;
using Terminal.Gui.Testing;

namespace SecureChat.Tui.Tests.Views;

/// <summary>The model on the chat screen, bound to a real engine over loopback: events reach the views only through the posted queue.</summary>
[Collection(TerminalGuiCollection.Name)]
public sealed class ScreenViewTests
{
    private static readonly TimeSpan s_wait = LoopbackPair.Wait;

    [Fact]
    public async Task A_received_message_appears_in_the_pane_and_the_status_bar_shows_the_stage_and_key_hash()
    {
        await using var pair = new LoopbackPair();
        await TestScreen.WithModel(pair.Client, isServer: false, async screen =>
        {
            string before = screen.Screen();
            before.ShouldContain("F10");
            before.ShouldContain("Quit");

            using var cancel = new CancellationTokenSource(s_wait);
            Task connecting = pair.ConnectAsync(cancel.Token);
            string secure = screen.PumpUntil(s => s.Contains("│ secure │", StringComparison.Ordinal), s_wait, "the secure stage");
            await connecting.WaitAsync(s_wait);
            string fingerprint = pair.Client.Server!.Fingerprint!;
            secure.ShouldContain("key " + fingerprint);
            secure.ShouldContain($"peer 127.0.0.1:{pair.Port}");

            screen.PumpUntil(s => s.Contains("Server is the server's operator", StringComparison.Ordinal), s_wait, "the server's operator notice");
            await pair.ClientJoined;
            await pair.Server.SendAsync("hello from the server 你好 😀");
            screen.PumpUntil(s => s.Contains("<Server> hello from the server 你好 😀", StringComparison.Ordinal), s_wait, "the received message");

            await pair.Server.StopAsync().WaitAsync(s_wait);
            // The stage comes with the link's stage change, the notice with the Closed event just after it.
            screen.PumpUntil(s => s.Contains("│ disconnected │", StringComparison.Ordinal) && s.Contains("the server closed the connection", StringComparison.Ordinal), s_wait, "the disconnected stage and notice");
        });
    }

    [Fact]
    public async Task A_flood_of_ten_thousand_messages_is_applied_in_bounded_batches_and_history_stays_bounded()
    {
        await using var pair = new LoopbackPair();
        using var screen = new TestScreen(width: 100, height: 30, paneCapacity: 1000);
        ChatModel model = screen.Show(pair.Client, isServer: false);
        try
        {
            await pair.ConnectAsync();
            await pair.ClientJoined;

            for (int i = 0; i < 10_000; i++)
            {
                await pair.Server.SendAsync($"flood {i}");
            }

            // Typing in between the batches still works: keys are handled between posted callbacks.
            var clock = Stopwatch.StartNew();
            while (!screen.Window.Pane.Entries.Any(e => e.Text == "flood 9999") && clock.Elapsed < s_wait)
            {
                screen.Pump();
                screen.App.InjectKey(Key.X);
                Thread.Sleep(5);
            }

            screen.Window.Pane.Entries.Last().Text.ShouldBe("flood 9999");
            screen.Window.Pane.Count.ShouldBe(1000);
            screen.Posts.ShouldBeGreaterThanOrEqualTo(10_000 / ScreenView.BatchLimit);
            screen.LongestPost.ShouldBeLessThan(TimeSpan.FromSeconds(1));
            screen.Window.Input.Text.ShouldStartWith("x");
            screen.Screen().ShouldContain("flood 9999");
        }
        finally
        {
            model.Detach();
        }
    }

    [Fact]
    public void F10_quits_the_running_app()
    {
        RunAndInject(app => app.InjectKey(Key.F10)).ShouldBeTrue("F10 should end Run before the safety timeout");
    }

    [Fact]
    public void Typing_exit_quits_the_running_app()
    {
        RunAndInject(
            app =>
            {
                foreach (char c in "exit")
                {
                    app.InjectKey(new Key(c));
                }

                // Enter comes later, as a person presses it: in the same burst, or in the main-loop iteration right
                // after it, it would be a pasted newline. So it waits for 200 ms and for a few iterations both (a
                // starved UI thread can fire the timer in the very next iteration).
                long iterations = 0;
                app.Iteration += (_, _) => iterations++;
                app.AddTimeout(TimeSpan.FromMilliseconds(200), () =>
                {
                    if (iterations < 3)
                    {
                        return true;
                    }

                    app.InjectKey(Key.Enter);
                    return false;
                });
            }).ShouldBeTrue("typing exit should end Run before the safety timeout");
    }

    /// <summary>Runs a window with a model as the app does, injects keys once the loop runs; true when it stopped by itself.</summary>
    private static bool RunAndInject(Action<Terminal.Gui.App.IApplication> inject)
    {
        SynchronizationContext? testContext = SynchronizationContext.Current;
        ScreenMode.BindQuitKey();
        using Terminal.Gui.App.IApplication app = Terminal.Gui.App.Application.Create();
        app.Init(Terminal.Gui.Drivers.DriverRegistry.Names.ANSI);
        app.Driver!.SetScreenSize(80, 24);
        using var window = new ChatWindow("quit test");
        var client = new ChatClient(new ChatOptions());
        var view = new ScreenView(window, a => app.Invoke(a), () => app.RequestStop());
        var model = new ChatModel(client, isServer: false, view, new ScreenWords());
        window.LineEntered += (line, pasted, key) => _ = model.EnterAsync(line, pasted, key);
        bool timedOut = false;
        app.AddTimeout(TimeSpan.FromMilliseconds(200), () =>
        {
            inject(app);
            return false;
        });
        app.AddTimeout(TimeSpan.FromSeconds(10), () =>
        {
            timedOut = true;
            app.RequestStop();
            return false;
        });
        try
        {
            app.Run(window);
        }
        finally
        {
            model.Detach();
            view.Detach();
            SynchronizationContext.SetSynchronizationContext(testContext);
        }

        return !timedOut;
    }
}
