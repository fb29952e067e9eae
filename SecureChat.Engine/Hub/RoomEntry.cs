using SecureChat.Engine.Protocol;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Hub;

/// <summary>
/// Entering and leaving rooms (protocol v3, PROTOCOL.md 4.2): join with its refusals (bad name, banned, invite-only,
/// too many rooms), the entrant's view (RoomInfo Entered, then one Presence Member per other member) before anything
/// else of the room, Joined to the others in the same step, part, removal, and the room list. Every method runs under
/// the hub's lock (<see cref="HubState.Gate"/>) and tells the members under it: of two members entering at once, each
/// hears of the other exactly once. Not thread-safe by itself.
/// </summary>
internal sealed class RoomEntry(HubState state)
{
    private const byte JoinOp = (byte)RoomOp.Join;

    /// <summary>A Join request: enters the room (creating it, with the member as its operator), or says why not.</summary>
    public void Join(HubMember member, string name)
    {
        if (!HubState.TryKey(name, out string key))
        {
            HubState.Reply(member, ReplyCode.BadRoomName, JoinOp, name);
            return;
        }

        state.Rooms.TryGetValue(key, out Room? room);
        if (room is not null && member.IsIn(room))
        {
            HubState.Reply(member, ReplyCode.Done, JoinOp, room.Name); // already there: nothing changes
            return;
        }

        if (!member.IsHubOperator && state.Settings.Bans.IsBanned(key, member.Digest))
        {
            HubState.Reply(member, ReplyCode.Banned, JoinOp, room?.Name ?? name);
            return;
        }

        if ((!member.IsHubOperator && member.Rooms.Count >= state.Settings.MaxRoomsPerMember)
            || (room is null && state.Rooms.Count >= state.Settings.MaxRooms))
        {
            HubState.Reply(member, ReplyCode.TooManyRooms, JoinOp, room?.Name ?? name);
            return;
        }

        if (room is null)
        {
            room = new Room(name, key);
            room.SetOperator(member.Identity, true); // the creator runs the room
            state.Rooms[key] = room;
        }
        else if (room.InviteOnly && !room.IsOperator(member) && !room.TakeInvitation(member.Identity))
        {
            HubState.Reply(member, ReplyCode.InviteOnly, JoinOp, room.Name);
            return;
        }

        Enter(member, room);
    }

    /// <summary>
    /// Puts a member into a room: it is told the room (Entered) and every other member (Member, with flags), and only
    /// then is it a member (a relay snapshot taken later includes it); every other member is told it joined.
    /// </summary>
    /// <remarks>
    /// The room's MLS group learns of it first (PROTOCOL.md 4.8): the first member of a new room founds the group
    /// (RoomInfo flag <c>founder</c>), any other becomes a pending joiner; a full group refuses it (Reply <c>too many
    /// rooms</c>) and nothing changes.
    /// </remarks>
    public void Enter(HubMember member, Room room)
    {
        Groups.RoomGroupEntry group = state.Groups.EnterRoom(room.Key, member.Identity, designate: false);
        if (group.Full)
        {
            HubState.Reply(member, ReplyCode.TooManyRooms, JoinOp, room.Name);
            state.DropIfEmpty(room);
            return;
        }

        byte roomFlags = (byte)(HubGroups.RoomFlags(room, member) | (group.Founder ? HubGroups.FounderFlag : 0));
        member.Output.SendRoomInfo(RoomNoticeKind.Entered, room.Name, roomFlags, (uint)room.Count + 1, room.Topic, group.GroupId);
        foreach (HubMember other in room.Members)
        {
            member.Output.SendPresence(other.Id, PresenceKind.Member, room.Name, other.Digest, other.Name, room.Flags(other), string.Empty);
        }

        byte flags = room.Flags(member);
        foreach (HubMember other in room.Members)
        {
            other.Output.SendPresence(member.Id, PresenceKind.Joined, room.Name, member.Digest, member.Name, flags, string.Empty);
        }

        room.Add(member);
        member.Rooms.Add(room);
        state.Groups.Designate(Groups.GroupKey.ForRoom(room.Key));
    }

    /// <summary>A Part request: every member, the one leaving included, is told (Parted, with the reason); then it is out.</summary>
    public void Part(HubMember member, string name, string reason)
    {
        if (!HubState.TryKey(name, out _))
        {
            HubState.Reply(member, ReplyCode.BadRoomName, (byte)RoomOp.Part, name);
            return;
        }

        if (state.Find(name) is not { } room || !member.IsIn(room))
        {
            HubState.Reply(member, ReplyCode.NotMember, (byte)RoomOp.Part, name);
            return;
        }

        reason = HubText.Cut(reason);
        foreach (HubMember other in room.Members)
        {
            other.Output.SendPresence(member.Id, PresenceKind.Parted, room.Name, member.Digest, member.Name, 0, reason);
        }

        Remove(member, room);
    }

    /// <summary>Takes a member out of a room without a word (the caller told the members why); an empty room goes.</summary>
    public void Remove(HubMember member, Room room)
    {
        room.Remove(member);
        member.Rooms.Remove(room);
        if (!room.HasIdentity(member.Identity))
        {
            state.Groups.LeaveRoom(room.Key, member.Identity);
        }

        state.DropIfEmpty(room);
    }

    /// <summary>
    /// A List request: the rooms as they are now (name, flags: bit 0 invite-only, the only flag a Listed carries;
    /// members; topic), to be sent outside the lock (one Listed each, then ListEnd).
    /// </summary>
    public List<(string Name, byte Flags, uint Members, string Topic)> List() =>
        [.. state.Rooms.Values.Select(r => (r.Name, (byte)(r.InviteOnly ? 1 : 0), (uint)r.Count, r.Topic))];
}
