using SecureChat.Tui.App;

namespace SecureChat.Tui.Views;

/// <summary>
/// One window of the full screen: what the model says about it (<see cref="Info"/>), its own scrollback
/// (<see cref="Pane"/>), and what arrived in it while another window was shown: <see cref="Unread"/> messages and
/// whether one of them named the user (<see cref="Mentioned"/>). Not thread-safe: UI thread only.
/// </summary>
internal sealed class PaneWindow(WindowInfo info, MessagePane pane)
{
    /// <summary>The status window's title in the window list, the status bar and the terminal's title.</summary>
    public const string StatusTitle = "(hub)";

    public WindowInfo Info { get; set; } = info;

    public MessagePane Pane { get; } = pane;

    public string Key => Info.Key;

    /// <summary>Messages of others that arrived since the window was last shown (notices do not count).</summary>
    public int Unread { get; set; }

    /// <summary>A message since the window was last shown named the user: its entry in the list is highlighted.</summary>
    public bool Mentioned { get; set; }

    /// <summary>The window's name in the list: the room, the person's name, or <see cref="StatusTitle"/>.</summary>
    public string Title => Info.Kind == WindowKind.Status || Info.Title.Length == 0 ? StatusTitle : Info.Title;

    /// <summary>What the status bar and the terminal's title say: a query's person comes with the trust word ("Bob (verified)").</summary>
    public string Caption => Info is { Kind: WindowKind.Query, Trust: { Length: > 0 } trust } ? $"{Title} ({trust})" : Title;

    /// <summary>Takes a line that arrived while another window was shown into the counts.</summary>
    public void Arrived(ChatLine line)
    {
        if (line.Kind == LineKind.Message)
        {
            Unread++;
            Mentioned |= line.Mention;
        }
    }

    /// <summary>The window is shown: nothing in it is unread any more.</summary>
    public void Seen()
    {
        Unread = 0;
        Mentioned = false;
    }
}
