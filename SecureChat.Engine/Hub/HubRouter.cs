using SecureChat.Engine.Protocol;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Hub;

/// <summary>
/// A hub's routing, without sockets (PROTOCOL.md 4.2, 4.8): members come and go, rename, ask for room changes
/// (<see cref="RoomEntry"/>, <see cref="RoomModeration"/>), and send the MLS records of their groups, whose messages
/// the hub relays without reading them (<see cref="HubGroups"/>).
/// What each member must be told goes to its <see cref="IMemberOutput"/>. The hub's operator is a member from the
/// start (in <c>#lobby</c>, operator of every room).
/// </summary>
/// <remarks>
/// Thread-safe. Every change and every notice it causes happen under one lock, so notices reach each member in the
/// order of the changes. Members' messages (GroupRelay) are sealed outside the lock, for the group's recipients as of
/// the message: a hub of thousands does not hold its lock while sealing for each. A member that left a room just as a
/// message to it was sent may still get that message, after the notice of its leaving.
/// </remarks>
internal sealed class HubRouter
{
    /// <summary>The reason of the part of a member whose away queue for the room passed <see cref="HubSettings.AwayQueueBytes"/>.</summary>
    public const string MissedTooMuch = "missed too much";

    private readonly HubState _state;
    private readonly RoomEntry _entry;
    private readonly RoomModeration _moderation;
    private readonly HubGroups _groups;

    public HubRouter(HubSettings settings, byte[] operatorDigest, byte[] operatorKey, string operatorName, IMemberOutput operatorOutput)
    {
        _state = new HubState(settings);
        _entry = new RoomEntry(_state);
        _moderation = new RoomModeration(_state, _entry);
        _groups = new HubGroups(_state);
        Operator = new HubMember(0, operatorDigest, operatorKey, operatorName, operatorOutput, isHubOperator: true, settings);
        lock (_state.Gate)
        {
            _state.Add(Operator);
            _state.Names.AddOperator(Operator);
            _state.Groups.LinkUp(Operator.Identity);
            _entry.Enter(Operator, _state.Lobby);
        }
    }

    /// <summary>The hub's operator (the server's own user).</summary>
    public HubMember Operator { get; }

    /// <summary>Members on the hub now, the operator included.</summary>
    public int Count
    {
        get
        {
            lock (_state.Gate)
            {
                return _state.Members.Count;
            }
        }
    }

    /// <summary>How many members <paramref name="room"/> has besides the hub's operator, those away included; 0 when it does not exist.</summary>
    public int OthersIn(string room)
    {
        lock (_state.Gate)
        {
            return _state.Find(room)?.Members.Count(m => !m.IsHubOperator) ?? 0;
        }
    }

    /// <summary>The rooms a member is in (as the hub spells them), in the order entered.</summary>
    public IReadOnlyList<string> RoomsOf(HubMember member)
    {
        lock (_state.Gate)
        {
            return [.. member.Rooms.Select(r => r.Name)];
        }
    }

    /// <summary>
    /// A secure link becomes a member under the name it asked for (or the one it gets instead): it is told its name
    /// (Presence You), then enters <c>#lobby</c> (unless banned from it: then it is told so).
    /// </summary>
    public HubMember Connect(int id, byte[] digest, byte[] publicKey, string requestedName, IMemberOutput output) =>
        Connect(id, digest, publicKey, requestedName, output, out _);

    /// <summary>
    /// As <see cref="Connect(int, byte[], byte[], string, IMemberOutput)"/>, for an identity that may already be a
    /// member (PROTOCOL.md 4.8): an away one is back on this link; one with a live link is carried on by this link,
    /// which <b>replaces</b> the other (<paramref name="replaced"/> is the old link's output, for its Close 14). Either
    /// way the link is told its name and, per room, RoomInfo entered and the members.
    /// </summary>
    public HubMember Connect(int id, byte[] digest, byte[] publicKey, string requestedName, IMemberOutput output, out IMemberOutput? replaced)
    {
        replaced = null;
        var member = new HubMember(id, digest, publicKey, requestedName, output, isHubOperator: false, _state.Settings);
        lock (_state.Gate)
        {
            if (_state.LinksOf(member.Identity) is [{ IsHubOperator: false, Present: true } existing])
            {
                if (existing.Away)
                {
                    Back(existing, output);
                }
                else
                {
                    replaced = existing.Output;
                    existing.Output = output;
                    TellRooms(existing, output);
                    _state.Groups.LinkDown(existing.Identity); // a task the old link held goes to the next member
                    _state.Groups.LinkUp(existing.Identity);
                }

                return existing;
            }

            _state.Add(member);
            _state.Groups.LinkUp(member.Identity);
            string name = _state.Names.Assign(member, requestedName);
            output.SendPresence(member.Id, PresenceKind.You, string.Empty, digest, name, 0, string.Empty);
            _entry.Join(member, ChatEndpoint.Lobby);
        }

        return member;
    }

    /// <summary>
    /// The member's link dropped (PROTOCOL.md 4.8): when it was its identity's last link and it is in a room, the
    /// identity is away: it stays in its rooms and groups, everyone who shares a room with it is told once (Away), the
    /// records of its groups wait in an <see cref="AwayQueue"/>, and its tasks go to the next member. Otherwise it quits
    /// (<see cref="Quit"/>).
    /// </summary>
    public void Drop(HubMember member) => Drop(member, null);

    /// <summary>As <see cref="Drop(HubMember)"/>, when <paramref name="output"/> (unless null) is still the member's: a link another replaced drops nothing.</summary>
    public void Drop(HubMember member, IMemberOutput? output)
    {
        lock (_state.Gate)
        {
            if (!member.Present || member.Away || (output is not null && member.Output != output))
            {
                return;
            }

            if (member.Rooms.Count == 0 || _state.LinksOf(member.Identity).Count > 1)
            {
                Quit(member);
                return;
            }

            member.Away = true;
            member.Output = new AwayQueue(_state.Settings.AwayQueueBytes, target => _state.Overflows.Enqueue((member, target)));
            member.AwayTimer = _state.Settings.Time.CreateTimer(_ => AwayTooLong(member), null, _state.Settings.AwayMax, Timeout.InfiniteTimeSpan);
            foreach (HubMember other in _state.Sharers(member))
            {
                other.Output.SendPresence(member.Id, PresenceKind.Away, string.Empty, member.Digest, member.Name, 0, string.Empty);
            }

            _state.Groups.LinkDown(member.Identity);
            _groups.LinkEnded(member.Identity);
        }
    }

    /// <summary>
    /// An identity away for <see cref="HubSettings.AwayMax"/> is removed from every room at once (PROTOCOL.md 4.8):
    /// each client that shared a room with it is told once (Left), it becomes a pending removal of each group, and its
    /// queue goes; when it comes back it enters <c>#lobby</c> as a new member.
    /// </summary>
    private void AwayTooLong(HubMember member)
    {
        lock (_state.Gate)
        {
            if (member.Away && member.Present)
            {
                member.AwayTimer?.Dispose();
                member.AwayTimer = null;
                Quit(member);
            }
        }
    }

    /// <summary>The member left the hub: everyone who shared a room with it is told once (Left); its rooms forget it.</summary>
    public void Quit(HubMember member)
    {
        lock (_state.Gate)
        {
            if (!member.Present)
            {
                return;
            }

            member.Present = false;
            foreach (HubMember other in _state.Sharers(member))
            {
                other.Output.SendPresence(member.Id, PresenceKind.Left, string.Empty, member.Digest, member.Name, 0, string.Empty);
            }

            foreach (Room room in member.Rooms.ToArray())
            {
                _entry.Remove(member, room);
            }

            _state.Names.Forget(member);
            _state.Remove(member);
            if (_state.LinksOf(member.Identity).Count == 0)
            {
                _state.Groups.LinkDown(member.Identity);
            }

            _groups.LinkEnded(member.Identity);
        }
    }

    /// <summary>A member's KeyPackages (PROTOCOL.md 4.8): each that passes the hub's checks is kept, each other answered.</summary>
    public void KeyPackages(HubMember from, KeyPackagesRecord record)
    {
        lock (_state.Gate)
        {
            if (from.Present)
            {
                _groups.KeyPackages(from, record);
            }
        }
    }

    /// <summary>Tests: called with the sender once a GroupMessage was checked, before it is sealed for anyone.</summary>
    internal Action<HubMember>? RelayStarting { get; set; }

    /// <summary>Tests: GroupCommits waiting for the GroupRelays being sealed (see <see cref="HubGroups.RelayOrder"/>).</summary>
    internal int CommitsWaitingForRelays => _groups.RelayOrder.WaitingWriteCount;

    /// <summary>A member's GroupCommit (PROTOCOL.md 4.8): answered with CommitResult; an accepted one is relayed with its Welcome.</summary>
    public void GroupCommit(HubMember from, GroupCommitRecord record)
    {
        // Every GroupRelay of the epoch this commit may end is sealed before its CommitRelay (see HubGroups.RelayOrder).
        _groups.RelayOrder.EnterWriteLock();
        try
        {
            lock (_state.Gate)
            {
                if (from.Present)
                {
                    _groups.Commit(from, record);
                }

                RemoveOverflowed();
            }
        }
        finally
        {
            _groups.RelayOrder.ExitWriteLock();
        }
    }

    /// <summary>
    /// A member's GroupMessage (PROTOCOL.md 4.8): checked under the lock, then sealed outside it for every other member
    /// of the group (see <see cref="HubGroups.Message"/>), before any commit that ends its epoch is relayed. Returns how many it was sealed for, or -1 when its <c>mls</c>
    /// is not an application message (a protocol violation: the session ends).
    /// </summary>
    public int GroupMessage(HubMember from, GroupMessageRecord record)
    {
        int sealedFor;
        _groups.RelayOrder.EnterReadLock();
        try
        {
            List<HubMember>? recipients;
            string name;
            lock (_state.Gate)
            {
                if (!from.Present)
                {
                    return 0;
                }

                recipients = _groups.Message(from, record, out bool violation);
                if (violation)
                {
                    return -1;
                }

                name = from.Name;
            }

            if (recipients is null)
            {
                return 0;
            }

            RelayStarting?.Invoke(from);
            sealedFor = HubGroups.Relay(from, name, record, recipients);
        }
        finally
        {
            _groups.RelayOrder.ExitReadLock();
        }

        RemoveOverflowed();
        return sealedFor;
    }

    /// <summary>
    /// Each away member whose queue for a room passed <see cref="HubSettings.AwayQueueBytes"/> is removed from that room
    /// as by a part (PROTOCOL.md 4.8): the others are told Parted with the reason <see cref="MissedTooMuch"/>, and it
    /// becomes a pending removal of the room's group. One left in no room leaves the hub (when it comes back it enters
    /// <c>#lobby</c> as a new member). A direct conversation's queue past the bound is only dropped.
    /// </summary>
    private void RemoveOverflowed()
    {
        if (_state.Overflows.IsEmpty)
        {
            return;
        }

        lock (_state.Gate)
        {
            while (_state.Overflows.TryDequeue(out (HubMember Member, GroupTarget Target) overflow))
            {
                HubMember member = overflow.Member;
                if (!member.Present || !overflow.Target.IsRoom || _state.Find(overflow.Target.Room) is not { } room || !member.IsIn(room))
                {
                    continue;
                }

                _entry.Part(member, room.Name, MissedTooMuch);
                if (member.Away && member.Rooms.Count == 0)
                {
                    member.AwayTimer?.Dispose();
                    member.AwayTimer = null;
                    Quit(member);
                }
            }
        }
    }

    /// <summary>
    /// A member asks for another name: it gets it (or another, when taken) and is told which (You, one answer per
    /// request); everyone sharing a room with it is told once (Renamed) when it changed. Returns its name now.
    /// </summary>
    public string Rename(HubMember member, string requested)
    {
        lock (_state.Gate)
        {
            if (!member.Present)
            {
                return member.Name;
            }

            string old = member.Name;
            string name = _state.Names.Assign(member, requested);
            member.Output.SendPresence(member.Id, PresenceKind.You, string.Empty, member.Digest, name, 0, string.Empty);
            if (name != old)
            {
                TellRenamed(member, old);
            }

            return name;
        }
    }

    /// <summary>The member's name now.</summary>
    public string NameOf(HubMember member)
    {
        lock (_state.Gate)
        {
            return member.Name;
        }
    }

    /// <summary>The digest of a connected identity whose fingerprint (<see cref="Crypto.IdentityFingerprint.FromDigest"/>) is <paramref name="fingerprint"/>, or null.</summary>
    public byte[]? FindIdentity(string fingerprint)
    {
        string prefix = fingerprint.Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant();
        if (prefix.Length != Crypto.IdentityFingerprint.DisplaySize * 2)
        {
            return null;
        }

        lock (_state.Gate)
        {
            return _state.ByIdentity.FirstOrDefault(i => i.Key.StartsWith(prefix, StringComparison.Ordinal)).Value?[0].Digest;
        }
    }

    /// <summary>A member renamed too fast: its name stays, and it is told so (Refused) in the order of its requests.</summary>
    public void RefuseRename(HubMember member)
    {
        lock (_state.Gate)
        {
            if (member.Present)
            {
                member.Output.SendPresence(member.Id, PresenceKind.Refused, string.Empty, member.Digest, member.Name, 0, string.Empty);
            }
        }
    }

    /// <summary>The operator takes a (valid) name unless a member's looks like it (false with that member's name); the others are told.</summary>
    public bool TryRenameOperator(string name, out string holder)
    {
        lock (_state.Gate)
        {
            string old = Operator.Name;
            if (!_state.Names.TryRenameOperator(Operator, name, out holder))
            {
                return false;
            }

            Operator.Output.SendPresence(Operator.Id, PresenceKind.You, string.Empty, Operator.Digest, name, 0, string.Empty);
            if (name != old)
            {
                TellRenamed(Operator, old);
            }

            return true;
        }
    }

    /// <summary>The name of the member whose name looks like <paramref name="name"/>, or null.</summary>
    /// <summary>The identity digest of whoever holds <paramref name="name"/> now, or null.</summary>
    public byte[]? DigestOfName(string name)
    {
        lock (_state.Gate)
        {
            return _state.Names.Find(name)?.Digest;
        }
    }

    public string? Holder(string name)
    {
        lock (_state.Gate)
        {
            return _state.Names.Find(name)?.Name;
        }
    }

    /// <summary>Whether the member whose name looks like <paramref name="name"/> is away (no link; PROTOCOL.md 4.8).</summary>
    public bool HolderIsAway(string name)
    {
        lock (_state.Gate)
        {
            return _state.Names.Find(name)?.Away == true;
        }
    }

    /// <summary>
    /// A member's request about a room, counted against its request bucket (refused with RateLimited past it; a flood
    /// far past it ends the session: <see cref="RequestOutcome.Flood"/>).
    /// </summary>
    public RequestOutcome Request(HubMember from, RoomRequest request) => Request(from, request, out _);

    /// <summary>
    /// As <see cref="Request(HubMember, RoomRequest)"/>; <paramref name="answer"/> is what the member was answered: the
    /// code of the Reply it was sent, <see cref="ReplyCode.Done"/> when the request took effect without one, or null
    /// when it was not answered (the member had left, or the session must end).
    /// </summary>
    public RequestOutcome Request(HubMember from, RoomRequest request, out ReplyCode? answer)
    {
        answer = null;
        if (!from.IsHubOperator && !from.RequestFlood.TryTake())
        {
            return RequestOutcome.Flood;
        }

        if (request.Op == RoomOp.Mode && request.Text is not ("+i" or "-i"))
        {
            return RequestOutcome.Violation;
        }

        List<(string Name, byte Flags, uint Members, string Topic)>? listed = null;
        lock (_state.Gate)
        {
            if (!from.Present)
            {
                return RequestOutcome.Handled;
            }

            from.LastReply = null;
            if (!from.IsHubOperator && !from.Requests.TryTake())
            {
                HubState.Reply(from, ReplyCode.RateLimited, (byte)request.Op, request.Room);
                answer = ReplyCode.RateLimited;
                return RequestOutcome.Handled;
            }

            switch (request.Op)
            {
                case RoomOp.Join:
                    _entry.Join(from, request.Room);
                    break;
                case RoomOp.Part:
                    _entry.Part(from, request.Room, request.Text);
                    break;
                case RoomOp.List:
                    listed = _entry.List();
                    break;
                case RoomOp.KeyPackage:
                    _groups.KeyPackageFor(from, request);
                    break;
                case RoomOp.Resync:
                    _groups.Resync(from, request);
                    break;
                default:
                    _moderation.Handle(from, request);
                    break;
            }

            answer = from.LastReply ?? ReplyCode.Done;
        }

        if (listed is not null)
        {
            foreach ((string name, byte flags, uint members, string topic) in listed)
            {
                from.Output.SendRoomInfo(RoomNoticeKind.Listed, name, flags, members, topic);
            }

            from.Output.SendRoomInfo(RoomNoticeKind.ListEnd, string.Empty, 0, (uint)listed.Count, string.Empty);
        }

        return RequestOutcome.Handled;
    }

    /// <summary>
    /// Under the lock: a link of an away identity became secure (PROTOCOL.md 4.8). It is told its name, then per room
    /// RoomInfo entered (never founder) and the members, then what was queued for it, in order; the others are told
    /// once that it is back.
    /// </summary>
    private void Back(HubMember member, IMemberOutput output)
    {
        var queue = (AwayQueue)member.Output;
        member.Away = false;
        member.AwayTimer?.Dispose();
        member.AwayTimer = null;
        TellRooms(member, output);
        queue.Release(output);
        member.Output = output;
        foreach (HubMember other in _state.Sharers(member))
        {
            other.Output.SendPresence(member.Id, PresenceKind.Back, string.Empty, member.Digest, member.Name, 0, string.Empty);
        }

        _state.Groups.LinkUp(member.Identity);
    }

    /// <summary>Under the lock: a new link of a member is told its name, then per room RoomInfo entered (never founder) and the members.</summary>
    private void TellRooms(HubMember member, IMemberOutput output)
    {
        member.KeyPackagesSent = false; // the new link sends its own
        output.SendPresence(member.Id, PresenceKind.You, string.Empty, member.Digest, member.Name, 0, string.Empty);
        foreach (Room room in member.Rooms)
        {
            byte[]? groupId = _state.Groups.GroupIdOf(room.Key);
            output.SendRoomInfo(RoomNoticeKind.Entered, room.Name, HubGroups.RoomFlags(room, member), (uint)room.Count, room.Topic, groupId);
            foreach (HubMember other in room.Members)
            {
                if (other != member)
                {
                    output.SendPresence(other.Id, PresenceKind.Member, room.Name, other.Digest, other.Name, room.Flags(other), string.Empty);
                }
            }
        }
    }

    /// <summary>Under the lock: everyone sharing a room with the member is told once that it is now called <see cref="HubMember.Name"/>.</summary>
    private void TellRenamed(HubMember member, string old)
    {
        foreach (HubMember other in _state.Sharers(member))
        {
            other.Output.SendPresence(member.Id, PresenceKind.Renamed, string.Empty, member.Digest, old, 0, member.Name);
        }
    }
}
