using SecureChat.Engine.History;
using SecureChat.Tui.CommandLine;

namespace SecureChat.Tui.App;

/// <summary>
/// The app's side of the history store (<see cref="HistoryStore"/>): which lines are kept (the messages of rooms and
/// direct conversations, own and others', with sender and time), under which conversation (the hub's identity and the
/// window's key: <c>#room</c>, or <c>@</c> and the peer's identity), and the lines a window shows again at start.
/// A store that fails while the chat runs is closed and said once; the chat goes on without history. Thread-safe
/// (the store is; <see cref="Failed"/> is set once).
/// </summary>
internal sealed class ChatHistory : IDisposable
{
    /// <summary>How many lines a room's window shows from the history when it opens, and how many one PgUp loads.</summary>
    public const int PageLines = 200;

    private readonly HistoryStore _store;
    private volatile string? _failure;

    public ChatHistory(HistoryStore store) => _store = store;

    /// <summary>The database file.</summary>
    public string FilePath => _store.FilePath;

    /// <summary>Why the history stopped working during the run (one line), or null while it works.</summary>
    public string? Failed => _failure;

    /// <summary>
    /// Opens the history for <paramref name="settings"/>: null and a one-line reason when there is none to use (the
    /// chat goes on without it); null and no reason with <c>--no-history</c>. <paramref name="passphrase"/> is the
    /// history passphrase (empty: the key file), not copied.
    /// </summary>
    public static (ChatHistory? History, string? Problem) Open(AppSettings settings, Engine.Identity.ConfigDirectory config, byte[] passphrase, TimeProvider? time = null)
    {
        if (settings.NoHistory)
        {
            return (null, null);
        }

        try
        {
            var options = new HistoryOptions
            {
                DataDirectory = DataDirectory.Resolve(settings.DataDir, Environment.GetEnvironmentVariable),
                ConfigDirectory = config,
                Passphrase = passphrase.Length > 0 ? passphrase : null,
                Retention = settings.HistoryDays > 0 ? TimeSpan.FromDays(settings.HistoryDays) : null,
                Time = time ?? TimeProvider.System,
            };
            return (new ChatHistory(HistoryStore.Open(options)), null);
        }
        catch (HistoryException e)
        {
            // The store's line says what happened and, for a file it moved aside, where it is now.
            return (null, e.Message.Contains("without history", StringComparison.Ordinal)
                ? e.MovedTo is null ? e.Message : $"{e.Message} (a new history starts at the next start)"
                : $"{e.Message}; running without history");
        }
    }

    /// <summary>The conversation a window's lines belong to on the hub of <paramref name="hub"/>, or null for none (the status window).</summary>
    public static HistoryConversation? ConversationOf(string? hub, string window) =>
        hub is null || window.Length == 0 ? null : new HistoryConversation(hub, window);

    /// <summary>Keeps <paramref name="line"/> when it is a message of a room or a direct conversation; returns a failure to say once, else null.</summary>
    public string? Record(string? hub, ChatLine line)
    {
        if (_failure is not null || line.Kept || line.Kind is not (LineKind.Message or LineKind.Own) || ConversationOf(hub, line.Window) is not { } conversation)
        {
            return null;
        }

        return Guard(() => _store.Append(new HistoryMessage(conversation, line.Time, line.RawSender, line.RawText, line.Kind == LineKind.Own)));
    }

    /// <summary>Up to <paramref name="count"/> lines of a window before <paramref name="beforeSequence"/> (the latest when null), oldest first.</summary>
    public IReadOnlyList<HistoryLine> Page(string hub, string window, long? beforeSequence, int count = PageLines) =>
        _failure is null ? _store.Page(new HistoryConversation(hub, window), beforeSequence, count) : [];

    /// <summary>The lines holding every word of <paramref name="text"/>, across conversations, newest first.</summary>
    public IReadOnlyList<HistoryLine> Search(string text, int limit) => _store.Search(text, limit);

    /// <summary>Deletes a window's lines, or every line when <paramref name="window"/> is null; returns how many.</summary>
    public int Clear(string? hub, string? window) =>
        window is null ? _store.ClearAll() : hub is null ? 0 : _store.Clear(new HistoryConversation(hub, window));

    /// <summary>Writes a window's lines to a new file; returns how many.</summary>
    public int Export(string hub, string window, string path) => _store.Export(new HistoryConversation(hub, window), path);

    /// <summary>The line a kept line shows again as, in its window.</summary>
    public static ChatLine Shown(HistoryLine line, string window) => line.IsDamaged
        ? ChatLine.Error($"(a kept line from {line.Time.ToLocalTime():yyyy-MM-dd HH:mm} failed its check: it was altered, and is left out)") with { Window = window, Kept = true }
        : new ChatLine(line.IsOwn ? LineKind.Own : LineKind.Message, line.Text, line.Sender, line.Time.ToLocalTime())
        {
            Window = window,
            Kept = true,
            Event = line.Text.StartsWith(ChatCommand.MePrefix, StringComparison.Ordinal) ? "me" : line.IsOwn ? "own" : "message",
        };

    public void Dispose() => _store.Dispose();

    private string? Guard(Action work)
    {
        try
        {
            work();
            return null;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            string said = $"the history stopped: {e.Message}; the chat goes on without it";
            return Interlocked.CompareExchange(ref _failure, said, null) is null ? said : null;
        }
    }
}
