using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Hub;

/// <summary>
/// The requests that change a room or act on a person in it (protocol v3, PROTOCOL.md 4.2): topic, mode, invite,
/// kick, ban, unban, mute, unmute, op, deop. The actor must be in the room; everything but an invite into a room that
/// is not invite-only needs a room operator (the room's creator, someone opped, or the hub's operator); the hub's
/// operator cannot be kicked, banned, muted or deopped, and nobody can kick or ban themselves. A person is named by
/// their current name (a member of the hub); a ban or unban of a name nobody connected holds goes to the identity
/// that owns it in the hub's registry. Every change is told to every member of the room (a RoomEvent) under the
/// hub's lock. Not thread-safe by itself.
/// </summary>
internal sealed class RoomModeration(HubState state, RoomEntry entry)
{
    /// <summary>Handles one request other than join, part and list.</summary>
    public void Handle(HubMember actor, RoomRequest request)
    {
        byte op = (byte)request.Op;
        if (!HubState.TryKey(request.Room, out _))
        {
            HubState.Reply(actor, ReplyCode.BadRoomName, op, request.Room);
            return;
        }

        if (state.Find(request.Room) is not { } room || !actor.IsIn(room))
        {
            HubState.Reply(actor, ReplyCode.NotMember, op, request.Room);
            return;
        }

        bool needsOperator = request.Op != RoomOp.Invite || room.InviteOnly;
        if (needsOperator && !room.IsOperator(actor))
        {
            HubState.Reply(actor, ReplyCode.NotOperator, op, room.Name);
            return;
        }

        switch (request.Op)
        {
            case RoomOp.Topic:
                room.Topic = HubText.Cut(request.Text);
                Tell(room, RoomNoticeKind.Topic, actor, null, room.Topic);
                return;
            case RoomOp.Mode:
                room.InviteOnly = request.Text == "+i";
                Tell(room, RoomNoticeKind.Mode, actor, null, request.Text);
                return;
        }

        if (!TryResolve(request, out byte[] digest, out string name))
        {
            HubState.Reply(actor, ReplyCode.NoSuchName, op, room.Name, name: request.Name);
            return;
        }

        string identity = Convert.ToHexString(digest);
        bool targetsHubOperator = state.ByIdentity.TryGetValue(identity, out List<HubMember>? links) && links.Any(l => l.IsHubOperator);
        bool targetsSelf = identity == actor.Identity;
        if ((targetsHubOperator && request.Op is RoomOp.Kick or RoomOp.Ban or RoomOp.Mute or RoomOp.Deop)
            || (targetsSelf && request.Op is RoomOp.Kick or RoomOp.Ban))
        {
            HubState.Reply(actor, ReplyCode.CannotTarget, op, room.Name, digest, name);
            return;
        }

        bool present = room.HasIdentity(identity);
        if (!present && request.Op is not (RoomOp.Ban or RoomOp.Unban or RoomOp.Invite))
        {
            HubState.Reply(actor, ReplyCode.NotMember, op, room.Name, digest, name);
            return;
        }

        var target = new Target(digest, name, identity);
        switch (request.Op)
        {
            case RoomOp.Invite:
                Invite(actor, room, target, links);
                return;
            case RoomOp.Kick:
                Tell(room, RoomNoticeKind.Kicked, actor, target, HubText.Cut(request.Text));
                Evict(room, identity);
                return;
            case RoomOp.Ban:
                state.Settings.Bans.Add(room.Key, digest);
                room.TakeInvitation(identity);
                Tell(room, RoomNoticeKind.Banned, actor, target, string.Empty);
                Evict(room, identity);
                return;
            case RoomOp.Unban:
                state.Settings.Bans.Remove(room.Key, digest);
                Tell(room, RoomNoticeKind.Unbanned, actor, target, string.Empty);
                return;
            case RoomOp.Mute or RoomOp.Unmute:
                room.SetMuted(identity, request.Op == RoomOp.Mute);
                Tell(room, request.Op == RoomOp.Mute ? RoomNoticeKind.Muted : RoomNoticeKind.Unmuted, actor, target, string.Empty);
                return;
            case RoomOp.Op or RoomOp.Deop:
                room.SetOperator(identity, request.Op == RoomOp.Op);
                Tell(room, request.Op == RoomOp.Op ? RoomNoticeKind.Opped : RoomNoticeKind.Deopped, actor, target, string.Empty);
                return;
            default:
                throw new ArgumentException($"not a moderation request: {request.Op}", nameof(request));
        }
    }

    /// <summary>
    /// The invitee (every link of it) is told who invited it where; the inviter gets Done with the invitee. The
    /// invitation lets the identity in once while the room lasts.
    /// </summary>
    private static void Invite(HubMember actor, Room room, Target target, List<HubMember>? links)
    {
        if (links is null)
        {
            HubState.Reply(actor, ReplyCode.NotConnected, (byte)RoomOp.Invite, room.Name, target.Digest, target.Name);
            return;
        }

        room.Invite(target.Identity);
        foreach (HubMember invitee in links)
        {
            invitee.Output.SendRoomEvent(RoomNoticeKind.Invited, room.Name, actor.Digest, actor.Name, target.Digest, target.Name, string.Empty);
        }

        HubState.Reply(actor, ReplyCode.Done, (byte)RoomOp.Invite, room.Name, target.Digest, target.Name);
    }

    /// <summary>The target's digest and name: a connected member's by its name, else (ban, unban) the registry's owner of that name.</summary>
    private bool TryResolve(RoomRequest request, out byte[] digest, out string name)
    {
        name = request.Name;
        digest = HubState.Nobody;
        if (request.Name.Length == 0)
        {
            return false;
        }

        if (state.Names.Find(request.Name) is { } member)
        {
            (digest, name) = (member.Digest, member.Name);
            return true;
        }

        if (request.Op is RoomOp.Ban or RoomOp.Unban && state.Settings.NameOwner?.Invoke(request.Name) is { Length: Crypto.IdentityFingerprint.DigestSize } owner)
        {
            digest = owner;
            return true;
        }

        return false;
    }

    /// <summary>Takes every link of the identity out of the room (they were told why).</summary>
    private void Evict(Room room, string identity)
    {
        foreach (HubMember member in room.MembersOf(identity))
        {
            entry.Remove(member, room);
        }
    }

    /// <summary>Tells every member of the room (a RoomEvent), the target included while it is still in.</summary>
    private static void Tell(Room room, RoomNoticeKind kind, HubMember actor, Target? target, string text)
    {
        byte[] targetDigest = target?.Digest ?? HubState.Nobody;
        string targetName = target?.Name ?? string.Empty;
        foreach (HubMember member in room.Members)
        {
            member.Output.SendRoomEvent(kind, room.Name, actor.Digest, actor.Name, targetDigest, targetName, text);
        }
    }

    private sealed record Target(byte[] Digest, string Name, string Identity);
}
