using SecureChat.Engine.Crypto;
using SecureChat.Engine.Hub;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Transport;

/// <summary>
/// The hub operator's member output: what a client would get as records, the server's app gets as events (messages,
/// presence, room notices, replies), raised in order on an <see cref="EventQueue"/>, never under the hub's lock.
/// <paramref name="via"/> gives the link an event is about (by member id when known, else by identity digest; the
/// server itself for the operator). The operator's own name answers (You, Refused) are not raised: the server's
/// rename is synchronous. Group records go to the operator's group book (<see cref="IOperatorGroups"/>), which raises
/// the texts it opens; a GroupRelay reports false (not sealed for a peer, so not counted as a record relayed).
/// Thread-safe.
/// </summary>
internal sealed class OperatorOutput(EventQueue queue, Func<int?, byte[], PeerInfo> via, OperatorEvents events) : IMemberOutput
{
    public void SendPresence(int subject, PresenceKind kind, string room, ReadOnlySpan<byte> digest, string name, byte flags, string text)
    {
        if (kind is PresenceKind.You or PresenceKind.Refused)
        {
            return;
        }

        byte[] who = digest.ToArray();
        queue.Post(nameof(IOperatorGroups.Presence), () => events.Groups?.Presence(kind, room, who));
        queue.Post(nameof(ChatEndpoint.PresenceChanged), () => events.Presence(new PresenceNotice(kind, name, kind == PresenceKind.Renamed ? text : string.Empty, via(subject, who))
        {
            Identity = IdentityFingerprint.FromDigest(who),
            Room = room.Length == 0 ? null : room,
            Text = kind == PresenceKind.Parted ? text : string.Empty,
            RoomOperator = (flags & 1) != 0,
            Muted = (flags & 2) != 0,
        }));
    }

    public void SendRoomEvent(RoomNoticeKind kind, string room, ReadOnlySpan<byte> actor, string actorName, ReadOnlySpan<byte> target, string targetName, string text)
    {
        byte[] by = actor.ToArray(), on = target.ToArray();
        if (kind is RoomNoticeKind.Kicked or RoomNoticeKind.Banned)
        {
            queue.Post(nameof(IOperatorGroups.Removed), () => events.Groups?.Removed(room, on));
        }

        queue.Post(nameof(ChatEndpoint.RoomChanged), () => events.Room(new RoomNotice(kind, room, actorName, Fingerprint(by), targetName, Fingerprint(on), text, via(null, by))));
    }

    public void SendRoomInfo(RoomNoticeKind kind, string room, byte flags, uint members, string topic, byte[]? groupId = null)
    {
        if (kind == RoomNoticeKind.Entered && groupId is not null)
        {
            bool founder = (flags & Hub.HubGroups.FounderFlag) != 0;
            queue.Post(nameof(IOperatorGroups.Entered), () => events.Groups?.Entered(room, founder, groupId));
        }

        queue.Post(nameof(ChatEndpoint.RoomChanged), () => events.Room(new RoomNotice(kind, room, string.Empty, null, string.Empty, null, topic, via(0, HubState.Nobody))
        {
            InviteOnly = kind != RoomNoticeKind.ListEnd && (flags & 1) != 0,
            Operator = kind != RoomNoticeKind.ListEnd && (flags & 2) != 0,
            Members = members,
        }));
    }

    public void SendReply(ReplyCode code, byte op, string room, ReadOnlySpan<byte> digest, string name, string text)
    {
        byte[] who = digest.ToArray();
        queue.Post(nameof(IOperatorGroups.Replied), () => events.Groups?.Replied(code, op, room, who, text));
        if (ChatEndpoint.IsGroupReply(code, op))
        {
            return;
        }

        queue.Post(nameof(ChatEndpoint.Replied), () => events.Reply(new HubReply(code, ChatEndpoint.RequestOf(op), ChatEndpoint.IsDirectReply(op, room), room, name, Fingerprint(who), text, via(0, HubState.Nobody))));
    }

    public void SendGroupTask(GroupTaskRecord task) => queue.Post(nameof(IOperatorGroups.Task), () => events.Groups?.Task(task));

    public void SendCommitResult(CommitResultRecord result) => queue.Post(nameof(IOperatorGroups.CommitResult), () => events.Groups?.CommitResult(result));

    public void SendCommitRelay(CommitRelayRecord relay) => queue.Post(nameof(IOperatorGroups.CommitRelay), () => events.Groups?.CommitRelay(relay));

    public void SendWelcomeRelay(WelcomeRelayRecord relay) => queue.Post(nameof(IOperatorGroups.WelcomeRelay), () => events.Groups?.WelcomeRelay(relay));

    /// <summary>
    /// A member's text for the operator waits to be opened and shown counted against the queue's message limit, by its
    /// sender (<see cref="EventQueue.PostMessage"/>): past the limit, the links whose texts wait read nothing more, so a
    /// flood faster than the operator's display is held back by TCP instead of the hub's memory.
    /// </summary>
    public bool SendGroupRelay(GroupRelayRecord relay)
    {
        queue.PostMessage(nameof(IOperatorGroups.GroupRelay), () => events.Groups?.GroupRelay(relay), MessageBytes(relay), Convert.ToHexString(relay.Digest));
        return false;
    }

    /// <summary>
    /// The text a relay carries in UTF-16 bytes, as the queue counts messages, before it is opened: at most two bytes per
    /// byte of its MLS message (the text is inside it in UTF-8), plus the sender's name.
    /// </summary>
    private static int MessageBytes(GroupRelayRecord relay) => (relay.Mls.Length * sizeof(char)) + (relay.Name.Length * sizeof(char));

    public void SendKeyPackageRelay(KeyPackageRelayRecord relay) => queue.Post(nameof(IOperatorGroups.KeyPackageRelay), () => events.Groups?.KeyPackageRelay(relay));

    /// <summary>The fingerprint of a digest, or null for nobody (all zero).</summary>
    private static string? Fingerprint(byte[] digest) => digest.AsSpan().IndexOfAnyExcept((byte)0) < 0 ? null : IdentityFingerprint.FromDigest(digest);
}
