namespace SecureChat.Tui.App;

/// <summary>
/// A client's messages that nothing has yet shown to have reached the server: each kept with how many records the
/// server had delivered when it went out (<see cref="SecureChat.Engine.Transport.ChatEndpoint.RecordsHeard"/>). A
/// record from the server after a message (a heartbeat does) shows the server was alive after it, so the message is
/// dropped at the next send; a link that ends without the server's Close leaves those sent since the server was last
/// heard from, which the user is told by text. Only those lines are kept (a live server is heard from at least every
/// heartbeat interval), so the list stays as short as the link's silence. Not thread-safe: the model holds its lock.
/// </summary>
internal sealed class UnconfirmedLines
{
    // Every kept line went out after the same record: one sent after a newer record drops all older ones.
    private readonly List<string> _lines = [];
    private ulong _heard;

    /// <summary>A message is going out while the server has delivered <paramref name="heard"/> records.</summary>
    public void Sent(string text, ulong heard)
    {
        if (heard != _heard)
        {
            _lines.Clear();
            _heard = heard;
        }

        _lines.Add(text);
    }

    /// <summary>A message that was refused (it never went out): it is reported as not sent instead.</summary>
    public void Withdraw(string text)
    {
        int last = _lines.LastIndexOf(text);
        if (last >= 0)
        {
            _lines.RemoveAt(last);
        }
    }

    /// <summary>
    /// The link ended without a Close, the server having delivered <paramref name="heard"/> records in all: the
    /// messages sent after the last of them, in order. Forgets every message.
    /// </summary>
    public IReadOnlyList<string> TakeSince(ulong heard)
    {
        string[] since = _heard >= heard ? [.. _lines] : [];
        _lines.Clear();
        return since;
    }

    /// <summary>The server closed the link with a Close, which says itself what did not arrive.</summary>
    public void Clear() => _lines.Clear();
}
