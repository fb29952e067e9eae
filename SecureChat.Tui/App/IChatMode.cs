namespace SecureChat.Tui.App;

/// <summary>One way of showing a chat, full screen or headless, as <see cref="ChatLifetime"/> drives it.</summary>
internal interface IChatMode
{
    /// <summary>The words this mode says things in.</summary>
    ChatWords Words { get; }

    /// <summary>
    /// Whether lines typed after a client's link ended are kept and reported once (<see cref="ChatModel.HoldsLinesAfterEnd"/>)
    /// rather than refused one by one.
    /// </summary>
    bool HoldsLinesAfterEnd => false;

    /// <summary>Opens the view (the full screen takes over the terminal here).</summary>
    IChatView Open(bool isServer, string address, string name);

    /// <summary>Completes once the opened view's first frame is drawn (or the view has stopped); at once for a view without frames.</summary>
    Task FirstFrame => Task.CompletedTask;

    /// <summary>
    /// Feeds typed lines to the model until the user quits (headless: also at the end of the input, or when the
    /// link ends). <paramref name="model"/> completes when the chat has begun (a server that opened its screen
    /// first begins after its first frame), with null when it could not begin (the view is then asked to quit).
    /// <paramref name="connecting"/> completes when a client's attempt to connect is over.
    /// </summary>
    void Run(Task<ChatModel?> model, Task connecting);

    /// <summary>Closes the view; called once the network has stopped (the full screen gives the terminal back).</summary>
    void Close();

    /// <summary>Says on standard error, in one line, why the chat could not start.</summary>
    void ReportFailure(string reason);

    /// <summary>Says, in one line, that the connection failed or was lost after it had been made (the view is closed).</summary>
    void ReportLost(string reason);

    /// <summary>Says that the chat ended normally.</summary>
    void ReportClosed();
}
