using SecureChat.Engine.Hub;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Transport;

/// <summary>
/// A client's link as a hub member's output: presence notices are held and coalesced by the link
/// (<see cref="PresenceBacklog"/>: only notices about the same person and room merge, and every held notice is sealed
/// before any later record), members' messages (GroupRelay) are sealed at once within the link's output budget (a peer past it is dropped as
/// too slow), and room events, room information and replies are sealed in turn after the held notices. Called under
/// the hub's lock for notices: the link's own events are then raised later, outside it. Thread-safe.
/// </summary>
internal sealed class LinkMember(Link link) : IMemberOutput
{
    public Link Link => link;

    public void SendPresence(int subject, PresenceKind kind, string room, ReadOnlySpan<byte> digest, string name, byte flags, string text) =>
        link.TryAnnounce(new PresenceBacklog.Notice(subject, kind, room, digest.ToArray(), name, flags, text));

    public void SendRoomEvent(RoomNoticeKind kind, string room, ReadOnlySpan<byte> actor, string actorName, ReadOnlySpan<byte> target, string targetName, string text)
    {
        byte[] by = actor.ToArray(), on = target.ToArray();
        link.RunIfSecure(chat => chat.SendRoomEvent(kind, room, by, actorName, on, targetName, text), dispatchLater: true);
    }

    public void SendRoomInfo(RoomNoticeKind kind, string room, byte flags, uint members, string topic, byte[]? groupId = null)
    {
        RoomInfoKind info = kind switch
        {
            RoomNoticeKind.Entered => RoomInfoKind.Entered,
            RoomNoticeKind.Listed => RoomInfoKind.Listed,
            RoomNoticeKind.ListEnd => RoomInfoKind.ListEnd,
            _ => throw new ArgumentException($"{kind} is not room information", nameof(kind)),
        };
        link.RunIfSecure(chat => chat.SendRoomInfo(info, room, flags, members, topic, groupId), dispatchLater: true);
    }

    public void SendReply(ReplyCode code, byte op, string room, ReadOnlySpan<byte> digest, string name, string text)
    {
        byte[] who = digest.ToArray();
        link.RunIfSecure(chat => chat.SendReply(code, op, room, who, name, text), dispatchLater: true);
    }

    public void SendGroupTask(GroupTaskRecord task) =>
        Seal(groups => groups.SendGroupTask(task.Target, task.GroupId, task.Epoch, task.Removals, task.Joiners));

    public void SendCommitResult(CommitResultRecord result) =>
        Seal(groups => groups.SendCommitResult(result.Target, result.Status, result.GroupId, result.Epoch));

    public void SendCommitRelay(CommitRelayRecord relay) =>
        Seal(groups => groups.SendCommitRelay(relay.Target, relay.Digest, relay.Name, relay.Mls));

    public void SendWelcomeRelay(WelcomeRelayRecord relay) =>
        Seal(groups => groups.SendWelcomeRelay(relay.Target, relay.Digest, relay.Name, relay.Mls));

    public bool SendGroupRelay(GroupRelayRecord relay) =>
        link.TrySendGroup(groups => groups.SendGroupRelay(relay.Target, relay.Digest, relay.Name, relay.Mls));

    public bool SendGroupRelay(Chat.GroupRelayPlaintext relay) =>
        link.TrySendGroup(static (groups, relay) => groups.SendGroupRelay(relay), relay);

    public void SendKeyPackageRelay(KeyPackageRelayRecord relay) =>
        Seal(groups => groups.SendKeyPackageRelay(relay.Digest, relay.Name, relay.Mls));

    /// <summary>A group record told under the hub's lock: sealed in turn after the held notices, the link's events raised later.</summary>
    private void Seal(Action<Chat.GroupRecordSender> send) => link.RunIfSecure(chat => send(chat.Groups), dispatchLater: true);
}
