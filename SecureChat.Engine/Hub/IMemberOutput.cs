using SecureChat.Engine.Chat;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Hub;

/// <summary>
/// Where the hub's records for one member go: a client's link (each method seals one record, PROTOCOL.md 4.1, 4.2,
/// 4.8) or the hub operator's own events. The router calls the notice methods (presence, room events, room
/// information, replies, group records but GroupRelay) under its lock, in the order the member must see them, so an
/// implementation only holds or seals them and never calls back into the router; members' messages
/// (<see cref="SendGroupRelay"/>) are relayed outside the lock, concurrently with the rest. Implementations are
/// thread-safe.
/// </summary>
internal interface IMemberOutput
{
    /// <summary>
    /// A presence notice about member <paramref name="subject"/> (the router's member id, so a held notice merges only
    /// with later ones about the same person and room); <paramref name="room"/> is empty when it is not about a room.
    /// </summary>
    void SendPresence(int subject, PresenceKind kind, string room, ReadOnlySpan<byte> digest, string name, byte flags, string text);

    /// <summary>Something done in a room (a RoomEvent record: kinds <see cref="RoomNoticeKind.Topic"/> to <see cref="RoomNoticeKind.Invited"/>); an empty target has an all-zero digest.</summary>
    void SendRoomEvent(RoomNoticeKind kind, string room, ReadOnlySpan<byte> actor, string actorName, ReadOnlySpan<byte> target, string targetName, string text);

    /// <summary>
    /// What the hub tells about a room (a RoomInfo record: <see cref="RoomNoticeKind.Entered"/>, <see cref="RoomNoticeKind.Listed"/>,
    /// <see cref="RoomNoticeKind.ListEnd"/>); <paramref name="groupId"/> is the room's MLS group (Entered only).
    /// </summary>
    void SendRoomInfo(RoomNoticeKind kind, string room, byte flags, uint members, string topic, byte[]? groupId = null);

    /// <summary>The hub designates this member to commit a group's epoch (a GroupTask record; under the hub's lock).</summary>
    void SendGroupTask(GroupTaskRecord task);

    /// <summary>The hub's answer to this member's GroupCommit (a CommitResult record; under the hub's lock).</summary>
    void SendCommitResult(CommitResultRecord result);

    /// <summary>Another member's accepted commit (a CommitRelay record; under the hub's lock, in the order accepted).</summary>
    void SendCommitRelay(CommitRelayRecord relay);

    /// <summary>The Welcome of a commit that adds this member (a WelcomeRelay record; under the hub's lock).</summary>
    void SendWelcomeRelay(WelcomeRelayRecord relay);

    /// <summary>A member's application message (a GroupRelay record; outside the lock); false when it was not sealed (the link ended or was dropped).</summary>
    bool SendGroupRelay(GroupRelayRecord relay);

    /// <summary>
    /// The same from the plaintext written once for all the message's recipients (outside the lock): a link seals those
    /// bytes as they are; an output that keeps the record or reads it takes <see cref="GroupRelayPlaintext.Record"/>.
    /// The plaintext is wiped once every recipient has been given it, so an output never keeps it.
    /// </summary>
    bool SendGroupRelay(GroupRelayPlaintext relay) => SendGroupRelay(relay.Record);

    /// <summary>A person's key package, the answer to a Request <c>key package</c> (a KeyPackageRelay record; under the hub's lock).</summary>
    void SendKeyPackageRelay(KeyPackageRelayRecord relay);

    /// <summary>The hub's answer to something this member sent (a Reply record); <paramref name="op"/> is the Request's op, or the type of the KeyPackages or GroupMessage it answers.</summary>
    void SendReply(ReplyCode code, byte op, string room, ReadOnlySpan<byte> digest, string name, string text);
}
