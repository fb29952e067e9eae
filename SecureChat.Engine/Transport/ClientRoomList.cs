using SecureChat.Engine.Chat;

namespace SecureChat.Engine.Transport;

/// <summary>
/// Client: the rooms this side is in, as the hub spells them, in the order entered (<see cref="ChatEndpoint.Lobby"/>
/// first once the hub has put it there), and the rooms it asked for and has not entered yet (from
/// <see cref="ChatOptions.Rooms"/>, or a join asked for while no link was up). Followed from the hub's Entered, and from
/// this side's own Parted, Kicked and Banned; kept across links, so that a new link rejoins them all. Rooms are
/// compared by <see cref="RoomName.Key"/>. Thread-safe.
/// </summary>
internal sealed class ClientRoomList
{
    private readonly object _gate = new();
    private readonly List<string> _entered = [];
    private readonly List<string> _pending = [];

    public ClientRoomList(IEnumerable<string> wanted)
    {
        foreach (string room in wanted)
        {
            Want(room);
        }
    }

    /// <summary>The rooms entered, in order; <see cref="ChatEndpoint.Lobby"/> alone before any link was secure.</summary>
    public IReadOnlyList<string> Current
    {
        get
        {
            lock (_gate)
            {
                return _entered.Count > 0 ? [.. _entered] : [ChatEndpoint.Lobby];
            }
        }
    }

    /// <summary>What a new link asks to join: every room entered or wanted, but <see cref="ChatEndpoint.Lobby"/>, which the hub enters by itself.</summary>
    public IReadOnlyList<string> ToRejoin
    {
        get
        {
            lock (_gate)
            {
                return [.. _entered.Concat(_pending).Where(r => !RoomName.AreSame(r, ChatEndpoint.Lobby))];
            }
        }
    }

    /// <summary>A room to join on the next link (a join asked for while none is up).</summary>
    public void Want(string room)
    {
        lock (_gate)
        {
            if (IndexOf(_entered, room) < 0 && IndexOf(_pending, room) < 0)
            {
                _pending.Add(room);
            }
        }
    }

    /// <summary>The hub put this side in a room: kept in the order entered (the lobby first), in the hub's spelling.</summary>
    public void Entered(string room)
    {
        lock (_gate)
        {
            Remove(_pending, room);
            int at = IndexOf(_entered, room);
            if (at >= 0)
            {
                _entered[at] = room;
            }
            else if (RoomName.AreSame(room, ChatEndpoint.Lobby))
            {
                _entered.Insert(0, room);
            }
            else
            {
                _entered.Add(room);
            }
        }
    }

    /// <summary>This side is out of a room (parted, kicked, banned, or its join was refused): not rejoined.</summary>
    public void Left(string room)
    {
        lock (_gate)
        {
            Remove(_entered, room);
            Remove(_pending, room);
        }
    }

    private static int IndexOf(List<string> rooms, string room)
    {
        string key = RoomName.Key(room);
        return rooms.FindIndex(r => RoomName.Key(r) == key);
    }

    private static void Remove(List<string> rooms, string room)
    {
        int at = IndexOf(rooms, room);
        if (at >= 0)
        {
            rooms.RemoveAt(at);
        }
    }
}
