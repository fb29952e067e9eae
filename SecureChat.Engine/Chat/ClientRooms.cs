using SecureChat.Engine.Protocol;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Chat;

/// <summary>
/// Client: the rooms the hub has put this side in and the members it announced in each, kept only to hold the hub to
/// <see cref="WireFormat.RoomsMax"/> rooms and <see cref="WireFormat.MembersMax"/> members per room (a hub that
/// announces more fails the session; without a bound it could grow the client's tables without end). Followed from
/// RoomInfo Entered, Presence Joined, Member, Parted, Left and Renamed, and RoomEvent Kicked and Banned. Not
/// thread-safe: used under the session's lock.
/// </summary>
internal sealed class ClientRooms
{
    private readonly Dictionary<string, HashSet<string>> _members = new(StringComparer.Ordinal);
    private byte[]? _own;

    /// <summary>This side's identity digest, from Presence You: a notice about it concerns this side.</summary>
    public void Own(byte[] digest) => _own = digest;

    public bool IsOwn(ReadOnlySpan<byte> digest) => _own is { } own && digest.SequenceEqual(own);

    /// <summary>This side entered a room; false when that makes more than <see cref="WireFormat.RoomsMax"/>.</summary>
    public bool Entered(string room)
    {
        string key = RoomName.Key(room);
        if (_members.ContainsKey(key))
        {
            return true;
        }

        if (_members.Count >= WireFormat.RoomsMax)
        {
            return false;
        }

        _members[key] = new HashSet<string>(StringComparer.Ordinal);
        return true;
    }

    /// <summary>Follows one presence notice; false when a room would hold more than the bound.</summary>
    public bool Presence(PresenceKind kind, string room, byte[] digest, string name, string newName)
    {
        switch (kind)
        {
            case PresenceKind.Joined or PresenceKind.Member:
                return Add(MembersOf(room), name);
            case PresenceKind.Parted:
                Removed(room, digest, name);
                return true;
            case PresenceKind.Left:
                foreach (HashSet<string> members in _members.Values)
                {
                    members.Remove(name);
                }

                return true;
            case PresenceKind.Renamed:
                foreach (HashSet<string> members in _members.Values)
                {
                    if (members.Remove(name) && !Add(members, newName))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return true;
        }
    }

    /// <summary>Follows a room event: a kicked or banned member (this side included) is out of the room.</summary>
    public void RoomEvent(RoomNoticeKind kind, string room, byte[] target, string targetName)
    {
        if (kind is RoomNoticeKind.Kicked or RoomNoticeKind.Banned)
        {
            Removed(room, target, targetName);
        }
    }

    /// <summary>Someone is out of a room: this side (the room is forgotten) or a member.</summary>
    private void Removed(string room, byte[] digest, string name)
    {
        string key = RoomName.Key(room);
        if (IsOwn(digest))
        {
            _members.Remove(key);
        }
        else if (_members.TryGetValue(key, out HashSet<string>? members))
        {
            members.Remove(name);
        }
    }

    /// <summary>The members of a room (a room not entered yet gets a table too: a hub must not use that to grow it past the bound).</summary>
    private HashSet<string>? MembersOf(string room)
    {
        string key = RoomName.Key(room);
        if (!_members.TryGetValue(key, out HashSet<string>? members) && _members.Count < WireFormat.RoomsMax)
        {
            members = new HashSet<string>(StringComparer.Ordinal);
            _members[key] = members;
        }

        return members;
    }

    private static bool Add(HashSet<string>? members, string name) =>
        members is not null && (members.Contains(name) || (members.Count < WireFormat.MembersMax && members.Add(name)));
}
