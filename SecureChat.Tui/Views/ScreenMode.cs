using SecureChat.Tui.App;
using Terminal.Gui.App;
using Terminal.Gui.Input;

namespace SecureChat.Tui.Views;

/// <summary>
/// The full-screen mode: binds F10 to quit, shows the chat window on a Terminal.Gui app until the user quits, and
/// disposes the app only once the network has stopped (an Invoke after Dispose would throw); what it prints comes
/// after that, since the alternate screen swallows earlier output. With <paramref name="bell"/> (<c>--bell</c>) it
/// tells a user who is away of new messages (<see cref="AwayAlerts"/>). Without <paramref name="mouse"/>
/// (<c>--no-mouse</c>) the mouse is left to the terminal, so a plain drag selects text: Terminal.Gui 2.5.0 turns
/// mouse tracking on as its driver starts, with no setting to prevent it, so it is turned off again at once, before
/// the first frame is drawn, and Terminal.Gui is told to ignore the mouse. Every key sequence a terminal sends is
/// decoded or ignored (<see cref="KeyDecoding"/>), and an exception from inside the toolkit is shown and survived
/// (<see cref="ScreenFaults"/>), never the end of the chat. Used from the main thread only.
/// </summary>
internal sealed class ScreenMode(int scrollback = MessagePane.DefaultCapacity, bool bell = false, bool mouse = true) : IChatMode
{
    private IApplication? _app;
    private ChatWindow? _window;
    private ScreenView? _view;
    private AwayAlerts? _alerts;
    private ScreenFaults? _faults;
    private Suspension? _suspension;
    private readonly TaskCompletionSource _firstFrame = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ChatWords Words { get; } = new ScreenWords();

    /// <summary>Completes at the start of the main loop's second iteration: the first one has drawn the first frame.</summary>
    public Task FirstFrame => _firstFrame.Task;

    /// <summary>Binds the quit command to F10 (not Esc, which is easy to hit in a chat). Process-wide.</summary>
    public static void BindQuitKey() => Application.SetDefaultKeyBinding(Command.Quit, Bind.All(Key.F10));

    public IChatView Open(bool isServer, string address, string name)
    {
        BindQuitKey();
        _suspension = Suspension.Prepare();
        IApplication app = Application.Create().Init();
        app.Driver?.WriteRaw(TerminalModes.SaveTitle);
        if (!mouse)
        {
            app.Driver?.WriteRaw(TerminalModes.MouseOff);
            app.Mouse.IsMouseDisabled = true;
        }

        int iterations = 0;
        app.Iteration += (_, _) =>
        {
            if (++iterations == 2)
            {
                _firstFrame.TrySetResult();
            }
        };
        IdleCursor.Install(app);
        KeyDecoding.Install(app);

        _app = app;
        string place = isServer ? $"SecureChat server on {address}" : $"SecureChat client of {address}";
        _window = new ChatWindow($"{place} - you are {name}", scrollback) { Place = place };
        _window.CommandNames = ChatCommands.Names(isServer, CommandModes.Screen);
        if (bell)
        {
            _alerts = AwayAlerts.Install(app, _window, name);
        }

        ChatWindow window = _window;
        window.SuspendRequested += () => _suspension?.Suspend(app, window, mouse, focusReports: bell);
        _view = new ScreenView(window, action => app.Invoke(action), window.Quit);
        _faults = new ScreenFaults(line => window.Pane.Append(new PaneEntry(line)));
        return _view;
    }

    public void Run(Task<ChatModel?> model, Task connecting)
    {
        if (_app is null || _window is null)
        {
            throw new InvalidOperationException("the screen is not open");
        }

        _window.LineEntered += (line, pasted, window) => _ = EnterAsync(model, line, pasted, window);
        _window.OlderLines = key => model.IsCompletedSuccessfully && model.Result is { } kept ? kept.OlderLines(key) : [];
        _window.Names = key => model.IsCompletedSuccessfully && model.Result is { } chat ? chat.MembersOf(key) : [];
        try
        {
            _app.Run(_window, _faults!.Survive);
        }
        finally
        {
            _firstFrame.TrySetResult(); // a quit before the first frame: nothing waits for it in vain
        }
    }

    /// <summary>A line typed before the chat has begun (while the identity loads) is entered once it has, in order.</summary>
    private static async Task EnterAsync(Task<ChatModel?> model, string line, bool pasted, string window)
    {
        if (await model.ConfigureAwait(false) is { } chat)
        {
            await chat.EnterAsync(line, pasted, window).ConfigureAwait(false);
        }
    }

    public void Close()
    {
        _view?.Detach();
        _alerts?.Close();
        _window?.Dispose();
        try
        {
            _app?.Dispose();
        }
        finally
        {
            _suspension?.Dispose();
            TerminalModes.Restore(title: true);
            if (_faults?.Summary is { } summary)
            {
                Console.Error.WriteLine($"securechat: {summary}");
            }
        }
    }

    public void ReportFailure(string reason) => Console.Error.WriteLine($"securechat: {reason}");

    public void ReportLost(string reason) => Console.Error.WriteLine($"securechat: {reason}");

    public void ReportClosed() => Console.Out.WriteLine("securechat: connection closed.");
}
