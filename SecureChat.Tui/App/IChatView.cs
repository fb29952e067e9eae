namespace SecureChat.Tui.App;

/// <summary>
/// Where the model's output goes: the chat screen (<c>Views/ScreenView</c>) or standard output
/// (<c>Headless/ConsoleView</c>). Implementations are called from network threads and the input thread, in the
/// order things happened: they must be thread-safe and must not block for long.
/// </summary>
internal interface IChatView
{
    /// <summary>Appends a line: a message (someone's or our own), a notice or an error.</summary>
    void Show(ChatLine line);

    /// <summary>
    /// An own line shown before (<see cref="ChatLine.Id"/>) changed: it was sent after it waited, or the hub
    /// acknowledged it. A view that shows lines replaces it in place; one that does not may say so as an event.
    /// </summary>
    void Update(ChatLine line);

    /// <summary>A window was opened (a room entered, a query started) or its title or trust changed (same key).</summary>
    void OpenWindow(WindowInfo window);

    /// <summary>A window was closed (a room left, a query closed); its lines go with it.</summary>
    void CloseWindow(string key);

    /// <summary>
    /// Shows window <paramref name="number"/> (<c>/window N</c>; numbered from 1 in the order the view lists them); a
    /// view that shows every window at once (headless mode) ignores it.
    /// </summary>
    void ShowWindow(int number);

    /// <summary>Sets the status: stage, key hash and peer (a view without a status bar ignores it).</summary>
    void SetStatus(ChatStatus status);

    /// <summary>Clears the messages shown so far (where the view can).</summary>
    void Clear();

    /// <summary>The user asked to leave, or the client could not connect: end the run.</summary>
    void Quit();

    /// <summary>
    /// The server's identity changed and was refused before anything was sent: warn in a way the user must
    /// dismiss (the full screen's modal warning), then end the run. A view that cannot hold a warning just ends the
    /// run; in every mode the warning is printed on the terminal once the run is over.
    /// </summary>
    void Warn(IdentityRefusal refusal);
}
