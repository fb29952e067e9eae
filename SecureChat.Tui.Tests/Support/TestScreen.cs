using System.Collections.Concurrent;
using System.Diagnostics;
using SecureChat.Engine.Transport;
using SecureChat.Tui.App;
using SecureChat.Tui.Views;
using Terminal.Gui.App;
using Terminal.Gui.Drivers;

namespace SecureChat.Tui.Tests.Support;

/// <summary>
/// A Terminal.Gui app on the virtual driver (no real terminal), showing one <see cref="ChatWindow"/>. What the
/// screen view posts is queued and run by <see cref="Pump"/> on the test thread, which plays the UI thread.
/// </summary>
internal sealed class TestScreen : IDisposable
{
    private readonly ConcurrentQueue<Action> _posted = new();

    public TestScreen(int width = 80, int height = 24, int paneCapacity = MessagePane.DefaultCapacity, string place = "")
    {
        // Init installs Terminal.Gui's main-loop context on this thread; nothing runs that loop here, so an
        // `await` in the test would never resume. Keep the test framework's context.
        SynchronizationContext? testContext = SynchronizationContext.Current;
        ScreenMode.BindQuitKey();
        App = Application.Create();
        App.Init(DriverRegistry.Names.ANSI);
        App.Driver!.SetScreenSize(width, height);
        Window = new ChatWindow("SecureChat test", paneCapacity) { Place = place };
        App.Begin(Window);
        SynchronizationContext.SetSynchronizationContext(testContext);
    }

    public IApplication App { get; }

    public ChatWindow Window { get; }

    public int Posts { get; private set; }

    public TimeSpan LongestPost { get; private set; }

    public void Post(Action action) => _posted.Enqueue(action);

    /// <summary>
    /// Binds <paramref name="endpoint"/> to this screen as the app does: a model telling a <see cref="ScreenView"/>
    /// (which posts to this screen), and lines typed in the window going to the model. Detach the model when done.
    /// </summary>
    public ChatModel Show(ChatEndpoint endpoint, bool isServer, Action? quit = null)
    {
        var view = new ScreenView(Window, Post, quit ?? (() => { }));
        var model = new ChatModel(endpoint, isServer, view, new ScreenWords());
        Window.LineEntered += (line, pasted, window) => _ = model.EnterAsync(line, pasted, window);
        return model;
    }

    /// <summary>Runs <paramref name="test"/> on a 120x30 screen showing <paramref name="endpoint"/>; detaches the model after.</summary>
    public static async Task WithModel(ChatEndpoint endpoint, bool isServer, Func<TestScreen, Task> test, int width = 120)
    {
        using var screen = new TestScreen(width: width, height: 30, place: "SecureChat test");
        ChatModel model = screen.Show(endpoint, isServer);
        try
        {
            await test(screen);
        }
        finally
        {
            model.Detach();
        }
    }

    /// <summary>Types a line and Enter, then runs what that posted.</summary>
    public void Enter(string line)
    {
        Type(line);
        Press(Terminal.Gui.Input.Key.Enter);
        Pump();
    }

    /// <summary>Runs what was posted so far.</summary>
    public void Pump()
    {
        while (_posted.TryDequeue(out Action? action))
        {
            var clock = Stopwatch.StartNew();
            action();
            LongestPost = clock.Elapsed > LongestPost ? clock.Elapsed : LongestPost;
            Posts++;
        }
    }

    public string Screen()
    {
        App.LayoutAndDraw(forceRedraw: true);
        return App.Driver!.ToString() ?? string.Empty;
    }

    /// <summary>Pumps and redraws until the screen satisfies <paramref name="condition"/>; fails with the screen if it never does.</summary>
    public string PumpUntil(Func<string, bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            Pump();
            string screen = Screen();
            if (condition(screen))
            {
                return screen;
            }

            if (clock.Elapsed > timeout)
            {
                throw new ShouldAssertException($"{what} did not happen within {timeout.TotalSeconds}s. Screen:\n{screen}");
            }

            Thread.Sleep(20);
        }
    }

    /// <summary>Types <paramref name="text"/> as a person does: one key per main-loop iteration.</summary>
    public void Type(string text)
    {
        foreach (System.Text.Rune rune in text.EnumerateRunes())
        {
            Terminal.Gui.Testing.InputInjectionExtensions.InjectKey(App, new Terminal.Gui.Input.Key(rune.Value));
            Iterate();
        }
    }

    /// <summary>
    /// Sends <paramref name="text"/> as a terminal without bracketed paste does: every character a key ('\n' as
    /// Enter), all within one main-loop iteration; then starts the next iteration.
    /// </summary>
    public void PasteAsKeys(string text)
    {
        foreach (System.Text.Rune rune in text.EnumerateRunes())
        {
            Terminal.Gui.Input.Key key = rune.Value == '\n' ? Terminal.Gui.Input.Key.Enter : new Terminal.Gui.Input.Key(rune.Value);
            Terminal.Gui.Testing.InputInjectionExtensions.InjectKey(App, key);
        }

        // The next iteration inserts the burst; one more passes with no key, as time goes by before the user acts.
        Iterate();
        Iterate();
    }

    /// <summary>A bracketed paste, then two iterations with no key, as time goes by before the user acts.</summary>
    public void Paste(string text)
    {
        App.RaisePasteEvent(text);
        Iterate();
        Iterate();
    }

    /// <summary>Presses a key, then starts the next main-loop iteration.</summary>
    public void Press(Terminal.Gui.Input.Key key)
    {
        Terminal.Gui.Testing.InputInjectionExtensions.InjectKey(App, key);
        Iterate();
    }

    /// <summary>What the main loop does at the start of each iteration (the input line inserts a burst there).</summary>
    public void Iterate() => App.RaiseIteration();

    public void Dispose()
    {
        Window.Dispose();
        App.Dispose();
    }
}
