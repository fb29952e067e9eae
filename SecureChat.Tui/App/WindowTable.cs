using SecureChat.Engine.Chat;
using SecureChat.Engine.Transport;

namespace SecureChat.Tui.App;

/// <summary>
/// The model's windows: the status window (always there), one per room this side is in (keyed <c>#room</c> as the
/// hub spells it; two spellings whose look-alike keys are equal are one room), and one per query (keyed by the
/// partner's identity fingerprint, so a rename cannot move a conversation). Also which room a plain line goes to
/// when the view does not say (headless mode): the room or query the user opened last that is still open, else the
/// room entered last, else <see cref="ChatEndpoint.Lobby"/>. Not thread-safe: the model holds its lock.
/// </summary>
internal sealed class WindowTable
{
    private readonly List<WindowInfo> _windows = [new WindowInfo(WindowInfo.StatusKey, "(hub)", WindowKind.Status)];
    private readonly Dictionary<string, RoomState> _rooms = new(StringComparer.Ordinal);

    /// <summary>Room keys in the order entered.</summary>
    private readonly List<string> _entered = [];

    /// <summary>The window the user opened last (<c>/join</c>, <c>/query</c>), while it is open.</summary>
    private string? _chosen;

    /// <summary>Every open window, the status window first, then in the order opened.</summary>
    public IReadOnlyList<WindowInfo> Windows => _windows;

    public IEnumerable<RoomState> Rooms => _entered.Select(k => _rooms[k]);

    /// <summary>The look-alike key of a room name (<c>#Dev</c> and <c>#dev</c> are one room).</summary>
    public static string RoomKey(string room) => NameRules.Key(room.StartsWith('#') ? room[1..] : room);

    /// <summary>Whether <paramref name="text"/> is a room's name: <c>#</c> and a valid name without spaces, at most 64 bytes.</summary>
    public static bool IsRoomName(string text) =>
        text.Length >= 2 && text[0] == '#' && !text.Contains(' ') && System.Text.Encoding.UTF8.GetByteCount(text) <= 64 && NameRules.IsValid(text[1..]);

    /// <summary>A room's name as the hub sent it, made safe to show: <c>#</c> and the rest as a name (<see cref="SafeText.Name"/>).</summary>
    public static string Shown(string room) => room.StartsWith('#') ? "#" + SafeText.Name(room[1..]) : SafeText.Name(room);

    public RoomState? Room(string room) => _rooms.GetValueOrDefault(RoomKey(room));

    public WindowInfo? Window(string key) => _windows.FirstOrDefault(w => w.Key == key);

    /// <summary>This side entered <paramref name="room"/>: its state, and its window when it is new (else null).</summary>
    public (RoomState Room, WindowInfo? Opened) Enter(string room)
    {
        string key = RoomKey(room);
        if (_rooms.TryGetValue(key, out RoomState? known))
        {
            return (known, null);
        }

        var state = new RoomState(room);
        _rooms[key] = state;
        _entered.Add(key);
        var window = new WindowInfo(room, room, WindowKind.Room);
        _windows.Add(window);
        return (state, window);
    }

    /// <summary>This side is no longer in <paramref name="room"/>: its state (null when it was not in it); its window closes.</summary>
    public RoomState? Leave(string room)
    {
        string key = RoomKey(room);
        if (!_rooms.Remove(key, out RoomState? state))
        {
            return null;
        }

        _entered.Remove(key);
        _windows.RemoveAll(w => w.Key == state.Name);
        if (_chosen == state.Name)
        {
            _chosen = null;
        }

        return state;
    }

    /// <summary>The window key of the room of that name this side is in, or null.</summary>
    public string? RoomWindow(string room) => Room(room)?.Name;

    /// <summary>The query window with this identity, or null.</summary>
    public WindowInfo? Query(string identity) => Window(WindowInfo.QueryKey(identity));

    /// <summary>
    /// Opens the query with <paramref name="identity"/>, or renames it: the window to tell the view about when it is
    /// new or its title or trust changed, else null.
    /// </summary>
    public WindowInfo? OpenQuery(string identity, string name, string? trust)
    {
        var window = new WindowInfo(WindowInfo.QueryKey(identity), name, WindowKind.Query, identity, trust);
        int index = _windows.FindIndex(w => w.Key == window.Key);
        if (index < 0)
        {
            _windows.Add(window);
            return window;
        }

        if (_windows[index] == window)
        {
            return null;
        }

        _windows[index] = window;
        return window;
    }

    /// <summary>Closes a query window; true when it was open.</summary>
    public bool CloseQuery(string key)
    {
        if (_chosen == key)
        {
            _chosen = null;
        }

        return _windows.RemoveAll(w => w.Key == key && w.Kind == WindowKind.Query) > 0;
    }

    /// <summary>The user opened this window (<c>/join</c>, <c>/query</c>): plain lines go there when the view does not say.</summary>
    public void Choose(string key) => _chosen = key;

    /// <summary>Where a plain line goes when the view does not say: the window chosen last, else the room entered last, else the lobby.</summary>
    public string Target => _chosen is { } chosen && Window(chosen) is not null ? chosen
        : _entered.Count > 0 ? _rooms[_entered[^1]].Name
        : ChatEndpoint.Lobby;

    /// <summary>The identity of someone of that name in any room this side is in, or of a query partner of that name.</summary>
    public string? IdentityOf(string name) =>
        Rooms.Select(r => r.Find(name)?.Identity).FirstOrDefault(i => i is not null)
        ?? _windows.FirstOrDefault(w => w.Kind == WindowKind.Query && NameRules.AreConfusable(w.Title, name))?.Identity;

    /// <summary>The name last seen for this identity (in a room or a query), or null.</summary>
    public string? NameOf(string identity) =>
        Rooms.SelectMany(r => r.Members).FirstOrDefault(m => m.Identity == identity)?.Name ?? Query(identity)?.Title;

    /// <summary>Everyone in every room this side is in, once each, sorted (Tab completion).</summary>
    public IReadOnlyList<string> AllMembers => [.. Rooms.SelectMany(r => r.Names).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase)];
}
