using SecureChat.Engine.Transport;
using SecureChat.Tui.CommandLine;
using SecureChat.Tui.Views;
using Terminal.Gui.App;
using Terminal.Gui.Input;

namespace SecureChat.Tui.App;

/// <summary>
/// The full-screen app's lifetime: bind F10 to quit, start the endpoint, run the window until the user quits,
/// then stop and await the network before the app is disposed (an Invoke after Dispose would throw), and only
/// then print anything (the alternate screen swallows earlier output).
/// </summary>
internal static class TuiApp
{
    private static readonly TimeSpan s_stopTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Binds the quit command to F10 (not Esc, which is easy to hit in a chat). Process-wide.</summary>
    public static void BindQuitKey() => Application.SetDefaultKeyBinding(Command.Quit, Bind.All(Key.F10));

    public static int Run(AppSettings settings, ChatOptions options)
    {
        ChatEndpoint endpoint = EndpointFactory.Create(settings, options);
        string listening = string.Empty;
        if (endpoint is ChatServer server)
        {
            try
            {
                listening = $"{settings.Host}:{server.Start(settings.Host, settings.Port).Port}";
            }
            catch (ChatConnectionException e)
            {
                Console.Error.WriteLine($"securechat: {e.Message}");
                return 1;
            }
        }

        BindQuitKey();
        IApplication app = Application.Create().Init();
        ChatController controller;
        string title = settings.Role == ChatRole.Server
            ? $"SecureChat server on {listening} - you are {endpoint.Name}"
            : $"SecureChat client of {settings.Address} - you are {endpoint.Name}";
        using var cancel = new CancellationTokenSource();
        Task connecting = Task.CompletedTask;
        try
        {
            using var window = new ChatWindow(title);
            controller = new ChatController(endpoint, window, action => app.Invoke(action), () => app.RequestStop());
            if (settings.Role == ChatRole.Server)
            {
                controller.ShowListening(listening);
            }
            else
            {
                connecting = controller.ConnectAsync(settings.Host, settings.Port, cancel.Token);
            }

            app.Run(window);

            // The UI loop has ended but the app is alive: stop the network first, so its last events are posted
            // to a live app (and dropped), then detach so nothing is posted after Dispose.
            cancel.Cancel();
            Stop(endpoint, connecting);
            controller.Detach();
        }
        finally
        {
            app.Dispose();
        }

        if (controller.ConnectFailure is { } failure)
        {
            Console.Error.WriteLine($"securechat: {failure}");
            return 1;
        }

        Console.Out.WriteLine("securechat: connection closed.");
        return 0;
    }

    private static void Stop(ChatEndpoint endpoint, Task connecting)
    {
        try
        {
            Task.WhenAll(connecting, endpoint.StopAsync()).Wait(s_stopTimeout);
        }
        catch (AggregateException)
        {
            // Failures were already shown; quitting must not throw.
        }
    }
}
