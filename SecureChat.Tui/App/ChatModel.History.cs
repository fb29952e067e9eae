using System.Globalization;
using SecureChat.Engine.History;

namespace SecureChat.Tui.App;

/// <summary>
/// The history's commands: <c>/search TEXT</c>, <c>/history clear [#room]</c> and <c>/export [#room] FILE</c>, on the
/// history the run keeps (<see cref="History"/>). The database is read and written outside the model's lock.
/// </summary>
internal sealed partial class ChatModel
{
    /// <summary>How many matches <c>/search</c> lists.</summary>
    public const int SearchMax = 50;

    /// <summary>The history this run keeps, or null when it keeps none.</summary>
    public ChatHistory? History { get; init; }

    /// <summary>Why there is no history in this run (one line), said when a history command is typed; null for --no-history.</summary>
    public string? NoHistoryReason { get; init; }

    /// <summary>The identity of the hub whose rooms these are: a client's server once secure, a server's own. Any thread.</summary>
    public string? HubIdentity
    {
        get
        {
            lock (_gate)
            {
                return IsServer ? OwnIdentity : _links.Client?.Identity;
            }
        }
    }

    /// <summary>
    /// The kept lines of <paramref name="window"/> older than those shown, a page of them oldest first, for PgUp past
    /// the oldest line in memory; empty when none (or no history). Any thread: it reads the database.
    /// </summary>
    internal IReadOnlyList<ChatLine> OlderLines(string window) => _view is HistoryView kept ? kept.OlderLines(window) : [];

    /// <summary><c>/search TEXT</c>: the kept lines holding every word of TEXT, across rooms and conversations, newest first.</summary>
    internal void Search(ChatCommand.Run command)
    {
        if (command.Argument.Length == 0)
        {
            Say(ChatLine.Error(command.Command.UsageLine("for example: /search release date")), command.Window);
            return;
        }

        if (UsableHistory(command.Window) is not { } history)
        {
            return;
        }

        IReadOnlyList<HistoryLine> found;
        try
        {
            found = history.Search(command.Argument, SearchMax);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            Say(ChatLine.Error($"could not search the history: {e.Message}"), command.Window);
            return;
        }

        string hub = HubIdentity ?? string.Empty;
        List<ChatLine> lines =
        [
            ChatLine.Notice(found.Count switch
            {
                0 => $"no kept line holds \"{command.Argument}\"",
                SearchMax => $"the {SearchMax} newest kept lines holding \"{command.Argument}\", newest first:",
                _ => $"{Count(found.Count, "kept line")} holding \"{command.Argument}\", newest first:",
            }) with { Event = "search", Fields = [ChatLine.Field("text", command.Argument), ChatLine.Field("count", found.Count)] },
            .. found.Select(l => ChatLine.Notice(
                $"{ConversationName(l.Conversation, hub)} {l.Time.ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} <{Engine.Chat.SafeText.Name(l.Sender)}> {l.Text}") with
            {
                Event = "found",
                Fields = [ChatLine.Field("in", ConversationName(l.Conversation, hub)), ChatLine.Field("at", l.Time.ToString("O", CultureInfo.InvariantCulture)), ChatLine.Field("from", l.Sender), ChatLine.Field("said", l.Text)],
            }),
        ];
        SayAll(lines, command.Window);
    }

    /// <summary><c>/history clear [#room]</c>: deletes a room's kept lines, or every kept line.</summary>
    internal void HistoryCommand(ChatCommand.Run command)
    {
        string[] words = command.Argument.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length is 0 or > 2 || !words[0].Equals("clear", StringComparison.OrdinalIgnoreCase) || (words.Length == 2 && !WindowTable.IsRoomName(words[1])))
        {
            Say(ChatLine.Error(command.Command.UsageLine("/history clear deletes every kept line; /history clear #room only that room's")), command.Window);
            return;
        }

        if (UsableHistory(command.Window) is not { } history)
        {
            return;
        }

        string? room = words.Length == 2 ? KeptRoom(words[1]) : null;
        try
        {
            int cleared = history.Clear(HubIdentity, room);
            Say(ChatLine.Notice(room is null
                ? $"history cleared: {Count(cleared, "kept line")} deleted from {history.FilePath}"
                : $"history of {room} cleared: {Count(cleared, "kept line")} deleted") with { Event = "cleared", Fields = [ChatLine.Field("room", room), ChatLine.Field("count", cleared)] }, command.Window);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            Say(ChatLine.Error($"history not cleared: {e.Message}"), command.Window);
        }
    }

    /// <summary><c>/export [#room] FILE</c>: writes a room's (or this window's) kept lines to a new plain-text file.</summary>
    internal void Export(ChatCommand.Run command)
    {
        string argument = command.Argument;
        string? window;
        string path;
        if (argument.StartsWith('#'))
        {
            int space = argument.IndexOf(' ', StringComparison.Ordinal);
            (window, path) = space < 0 ? (null, string.Empty) : (KeptRoom(argument[..space]), argument[(space + 1)..].Trim());
        }
        else
        {
            window = Locked(() => Here(command.Window));
            path = argument;
        }

        if (path.Length == 0 || string.IsNullOrEmpty(window))
        {
            Say(ChatLine.Error(command.Command.UsageLine("for example: /export #lobby lobby.txt (an existing file is never replaced)")), command.Window);
            return;
        }

        if (UsableHistory(command.Window) is not { } history || HubIdentity is not { } hub)
        {
            return;
        }

        try
        {
            string full = Path.GetFullPath(path);
            int written = history.Export(hub, window, full);
            Say(ChatLine.Notice($"exported {Count(written, "line")} of {window} to {full}") with { Event = "exported", Fields = [ChatLine.Field("room", window), ChatLine.Field("file", full), ChatLine.Field("count", written)] }, command.Window);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            Say(ChatLine.Error($"not exported: {e.Message}"), command.Window);
        }
    }

    /// <summary>The history, or null after saying in the window why there is none.</summary>
    private ChatHistory? UsableHistory(string? window)
    {
        if (History is { Failed: null } history)
        {
            return history;
        }

        Say(ChatLine.Error(History?.Failed ?? NoHistoryReason ?? "no history is kept in this run (--no-history)"), window);
        return null;
    }

    /// <summary>The window key of a room as typed: the room's own spelling when this side is in it.</summary>
    private string KeptRoom(string room) => Locked(() => _windows.Room(room)?.Name) ?? room;

    /// <summary>How a kept line's conversation is named in a list: the room, or the peer's name now (else the start of its identity).</summary>
    private string ConversationName(HistoryConversation conversation, string hub)
    {
        string name = conversation.Name.StartsWith('@')
            ? "@" + (Locked(() => _windows.NameOf(conversation.Name[1..])) ?? conversation.Name[1..Math.Min(conversation.Name.Length, 17)])
            : conversation.Name;
        return conversation.Hub == hub ? name : $"{name} (another hub)";
    }

    private static string Count(int count, string noun) =>
        $"{count.ToString("N0", CultureInfo.InvariantCulture)} {noun}{(count == 1 ? string.Empty : "s")}";

    private T Locked<T>(Func<T> read)
    {
        lock (_gate)
        {
            return read();
        }
    }
}
