using System.Diagnostics;
using SecureChat.Engine.Transport;
using SecureChat.Tui.App;
using SecureChat.Tui.Tests.Support;
using SecureChat.Tui.Views;
using Terminal.Gui.Input;
using Terminal.Gui.Testing;

namespace SecureChat.Tui.Tests.App;

/// <summary>The window bound to a real engine over loopback: events reach the views only through the posted queue.</summary>
[Collection(TerminalGuiCollection.Name)]
public sealed class ChatControllerTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_received_message_appears_in_the_pane_and_the_status_bar_shows_the_stage_and_key_hash()
    {
        var server = new ChatServer(new ChatOptions());
        var clientJoined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.PresenceChanged += n => clientJoined.TrySetResult();
        int port = server.Start("127.0.0.1", 0).Port;
        var client = new ChatClient(new ChatOptions());
        using var screen = new TestScreen(width: 120, height: 30);
        var controller = new ChatController(client, screen.Window, screen.Post, () => { });
        try
        {
        string before = screen.Screen();
        before.ShouldContain("F10");
        before.ShouldContain("Quit");

        using var cancel = new CancellationTokenSource(s_wait);
        Task connecting = controller.ConnectAsync("127.0.0.1", port, cancel.Token);
        string secure = screen.PumpUntil(s => s.Contains("│ secure │", StringComparison.Ordinal), s_wait, "the secure stage");
        await connecting.WaitAsync(s_wait);
        string fingerprint = client.Server!.Fingerprint!;
        secure.ShouldContain("key " + fingerprint);
        secure.ShouldContain($"peer 127.0.0.1:{port}");

        screen.PumpUntil(s => s.Contains("Server joined", StringComparison.Ordinal), s_wait, "the server's join notice");
        await clientJoined.Task.WaitAsync(s_wait);
        await server.SendAsync("hello from the server 你好 😀");
        screen.PumpUntil(s => s.Contains("Server: hello from the server 你好 😀", StringComparison.Ordinal), s_wait, "the received message");

        await server.StopAsync().WaitAsync(s_wait);
        screen.PumpUntil(s => s.Contains("│ disconnected │", StringComparison.Ordinal), s_wait, "the disconnected stage");
        screen.Screen().ShouldContain("the server closed the connection");
        }
        finally
        {
            controller.Detach();
            await StopAll(client, server);
        }
    }

    [Fact]
    public async Task A_flood_of_ten_thousand_messages_is_applied_in_bounded_batches_and_history_stays_bounded()
    {
        var server = new ChatServer(new ChatOptions());
        var clientJoined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.PresenceChanged += n => clientJoined.TrySetResult();
        int port = server.Start("127.0.0.1", 0).Port;
        var client = new ChatClient(new ChatOptions());
        using var screen = new TestScreen(width: 100, height: 30, paneCapacity: 1000);
        var controller = new ChatController(client, screen.Window, screen.Post, () => { });
        try
        {
        await controller.ConnectAsync("127.0.0.1", port, CancellationToken.None).WaitAsync(s_wait);
        await clientJoined.Task.WaitAsync(s_wait);

        for (int i = 0; i < 10_000; i++)
        {
            await server.SendAsync($"flood {i}");
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
        screen.Posts.ShouldBeGreaterThanOrEqualTo(10_000 / ChatController.BatchLimit);
        screen.LongestPost.ShouldBeLessThan(TimeSpan.FromSeconds(1));
        screen.Window.Input.Text.ShouldStartWith("x");
        screen.Screen().ShouldContain("flood 9999");
        }
        finally
        {
            controller.Detach();
            await StopAll(client, server);
        }
    }

    /// <summary>Stops both ends, bounded: a hang here fails the test instead of stalling the run.</summary>
    private static async Task StopAll(ChatEndpoint client, ChatEndpoint server)
    {
        await Task.WhenAll(client.StopAsync(), server.StopAsync()).WaitAsync(s_wait);
    }

    [Fact]
    public void Commands_answer_in_the_pane()
    {
        var client = new ChatClient(new ChatOptions());
        using var screen = new TestScreen(width: 120, height: 30);
        bool quit = false;
        var controller = new ChatController(client, screen.Window, screen.Post, () => quit = true);

        Enter(screen, "/help");
        screen.Screen().ShouldContain("/fingerprint");
        Enter(screen, "/fingerprint");
        screen.Screen().ShouldContain("no secure link yet");
        Enter(screen, "/bogus");
        screen.Screen().ShouldContain("unknown command /bogus");
        Enter(screen, "hello");
        screen.Screen().ShouldContain("not sent: the connection is not secure yet");
        Enter(screen, "/clear");
        screen.Screen().ShouldNotContain("unknown command");
        quit.ShouldBeFalse();
        Enter(screen, "/quit");
        quit.ShouldBeTrue();
        controller.Detach();
    }

    [Fact]
    public void F10_quits_the_running_app()
    {
        RunAndInject(app => app.InjectKey(Key.F10), quit: null).ShouldBeTrue("F10 should end Run before the safety timeout");
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

                app.InjectKey(Key.Enter);
            },
            quit: app => app.RequestStop()).ShouldBeTrue("typing exit should end Run before the safety timeout");
    }

    /// <summary>Runs a window with a controller, injects keys once the loop runs; true when it stopped by itself.</summary>
    private static bool RunAndInject(Action<Terminal.Gui.App.IApplication> inject, Action<Terminal.Gui.App.IApplication>? quit)
    {
        SynchronizationContext? testContext = SynchronizationContext.Current;
        TuiApp.BindQuitKey();
        using Terminal.Gui.App.IApplication app = Terminal.Gui.App.Application.Create();
        app.Init(Terminal.Gui.Drivers.DriverRegistry.Names.ANSI);
        app.Driver!.SetScreenSize(80, 24);
        using var window = new ChatWindow("quit test");
        var client = new ChatClient(new ChatOptions());
        var controller = new ChatController(client, window, a => app.Invoke(a), () => (quit ?? (_ => { }))(app));
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
            controller.Detach();
            SynchronizationContext.SetSynchronizationContext(testContext);
        }

        return !timedOut;
    }

    private static void Enter(TestScreen screen, string line)
    {
        screen.Type(line);
        screen.App.InjectKey(Key.Enter);
        screen.Pump();
    }
}
