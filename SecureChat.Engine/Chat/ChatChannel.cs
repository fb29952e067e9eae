using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Chat;

/// <summary>
/// The chat on top of a <see cref="SecureSession"/>'s application records (PROTOCOL.md 4.1). A client sends Request
/// and Nick; a hub sends Presence, RoomEvent, RoomInfo, Reply and Ack. Room and direct messages travel only as MLS
/// ciphertext in the group records. Encodes what this side sends (the layouts are in <see cref="Protocol"/>) and
/// decodes what arrives into session events: <see cref="PeerNamedEvent"/> and <see cref="RoomRequestEvent"/> on a
/// hub; <see cref="PresenceEvent"/>, <see cref="RoomNoticeEvent"/>, <see cref="RoomInfoEvent"/> and
/// <see cref="ReplyEvent"/> on a client, which holds the hub to its bounds (<see cref="ClientRooms"/>) and to valid
/// room names. The group records and their Parts go through <see cref="GroupRecordReceiver"/> and
/// <see cref="GroupRecordSender"/>. A malformed record, and a record of a type version 4 left unassigned (Chat, Relay,
/// Direct, DirectRelay: the session refuses it before this runs), fails the session. The session knows nothing of
/// names, rooms or text. Not thread-safe: used under the same lock as its session.
/// </summary>
internal sealed class ChatChannel : IApplicationRecords
{
    private readonly ClientRooms _rooms = new();
    private readonly GroupRecordReceiver _groupRecords;

    public ChatChannel(SecureSession session)
    {
        Session = session;
        session.Application = this;
        _groupRecords = new GroupRecordReceiver(session, _rooms.IsValidRoom);
        Groups = new GroupRecordSender(session);
    }

    public SecureSession Session { get; }

    /// <summary>Sends the v4 group records, with the Parts each needs (PROTOCOL.md 4.1, 4.1.1).</summary>
    public GroupRecordSender Groups { get; }

    /// <summary>Hub: where this link's group records go once parsed (<see cref="GroupRecordReceiver"/>); none: they are violations.</summary>
    public IHubGroupRecords? HubRecords
    {
        get => _groupRecords.Hub;
        set => _groupRecords.Hub = value;
    }

    /// <summary>Client: where the hub's group records go once parsed (<see cref="GroupRecordReceiver"/>); none: they are violations.</summary>
    public IMemberGroupRecords? MemberRecords
    {
        get => _groupRecords.Member;
        set => _groupRecords.Member = value;
    }

    /// <summary>Bytes held by the Parts received since the peer's last record with an <c>mls</c> field.</summary>
    public int PendingPartBytes => _groupRecords.PendingPartBytes;

    /// <summary>Forgets the pending Parts: the session ended (a Close or a lost link discards them, PROTOCOL.md 4.1.1).</summary>
    public void DiscardParts() => _groupRecords.Discard();

    // ---- Client to hub ------------------------------------------------------------------------------------------

    /// <summary>Tells the hub the name this side asks for (1-64 bytes of UTF-8).</summary>
    public void SendNick(string name)
    {
        Span<byte> plaintext = stackalloc byte[NickRecord.SizeMax];
        Session.SealApplication(FrameType.Nick, plaintext[..NickRecord.Write(plaintext, name)]);
    }

    /// <summary>Asks the hub for a room operation (a reason or topic longer than 255 bytes is cut).</summary>
    public void SendRequest(RoomOp op, string room, string name, string text)
    {
        Span<byte> plaintext = stackalloc byte[RequestRecord.SizeMax];
        Session.SealApplication(FrameType.Request, plaintext[..RequestRecord.Write(plaintext, (byte)op, room, name, text)]);
    }

    // ---- Hub to client ------------------------------------------------------------------------------------------

    /// <summary>Tells a client about someone entering or leaving a room or the hub, being renamed, or its own name.</summary>
    public void SendPresence(PresenceKind kind, string room, ReadOnlySpan<byte> digest, string name, byte flags, string text)
    {
        Span<byte> plaintext = stackalloc byte[PresenceRecord.SizeMax];
        Session.SealApplication(FrameType.Presence, plaintext[..PresenceRecord.Write(plaintext, kind, room, digest, name, flags, text)]);
    }

    /// <summary>Tells a client what happened in a room (the wire's kinds are <see cref="RoomNoticeKind"/> 1 to 10).</summary>
    public void SendRoomEvent(RoomNoticeKind kind, string room, ReadOnlySpan<byte> actor, string actorName, ReadOnlySpan<byte> target, string targetName, string text)
    {
        if (kind is < RoomNoticeKind.Topic or > RoomNoticeKind.Invited)
        {
            throw new ArgumentException($"{kind} is not a room event", nameof(kind));
        }

        Span<byte> plaintext = stackalloc byte[RoomEventRecord.SizeMax];
        int length = RoomEventRecord.Write(plaintext, (byte)kind, room, actor, actorName, target, targetName, text);
        Session.SealApplication(FrameType.RoomEvent, plaintext[..length]);
    }

    /// <summary>
    /// Tells a client it entered a room (with the room's MLS group id; none given: 16 zero bytes, for a hub that does
    /// not keep room groups), or one room (or the end) of a list.
    /// </summary>
    public void SendRoomInfo(RoomInfoKind kind, string room, byte flags, uint members, string topic, byte[]? groupId = null)
    {
        ReadOnlySpan<byte> id = kind == RoomInfoKind.Entered ? groupId ?? new byte[WireFormat.GroupIdSize] : [];
        Span<byte> plaintext = stackalloc byte[RoomInfoRecord.SizeMax];
        Session.SealApplication(FrameType.RoomInfo, plaintext[..RoomInfoRecord.Write(plaintext, kind, room, flags, members, topic, id)]);
    }

    /// <summary>Answers a client's Request (op 1-15), KeyPackages or GroupMessage (<see cref="ReplyRecord"/>'s ops).</summary>
    public void SendReply(ReplyCode code, byte op, string room, ReadOnlySpan<byte> digest, string name, string text)
    {
        Span<byte> plaintext = stackalloc byte[ReplyRecord.SizeMax];
        Session.SealApplication(FrameType.Reply, plaintext[..ReplyRecord.Write(plaintext, (byte)code, op, room, digest, name, text)]);
    }

    /// <summary>
    /// Tells the client how many of its records the hub has opened. The session already sends one after each read
    /// that calls for it (<see cref="SessionAcks"/>); this is for a hub that must confirm at another moment.
    /// </summary>
    public void SendAck(ulong received)
    {
        Span<byte> plaintext = stackalloc byte[AckRecord.Size];
        Session.SealControl(FrameType.Ack, plaintext[..new AckRecord(received).Write(plaintext)]);
    }

    // ---- Receiving ----------------------------------------------------------------------------------------------

    bool IApplicationRecords.TryConsume(FrameType type, ReadOnlySpan<byte> plaintext)
    {
        string? problem = GroupRecordReceiver.Handles(type) ? _groupRecords.TryConsume(type, plaintext) : type switch
        {
            FrameType.Nick => NickRecord.TryParse(plaintext, out NickRecord nick) ? Raised(new PeerNamedEvent(nick.Name)) : Malformed,
            FrameType.Request => RequestRecord.TryParse(plaintext, out RequestRecord request)
                ? Raised(new RoomRequestEvent((RoomOp)request.Op, request.Room, request.Name, request.Text))
                : Malformed,
            FrameType.Presence => OnPresence(plaintext),
            FrameType.RoomEvent => OnRoomEvent(plaintext),
            FrameType.RoomInfo => OnRoomInfo(plaintext),
            FrameType.Reply => ReplyRecord.TryParse(plaintext, out ReplyRecord reply)
                ? Raised(new ReplyEvent((ReplyCode)reply.Code, reply.Op, reply.Room, reply.Digest, reply.Name, reply.Text))
                : Malformed,
            _ => Malformed,
        };
        if (problem is not null)
        {
            Session.Violation(problem.Length == 0 ? $"a malformed {type} record" : problem);
        }

        return true;
    }

    /// <summary>Marks a record that does not parse (the violation then names its type).</summary>
    private const string Malformed = "";

    private string? Raised(SessionEvent e)
    {
        Session.Raise(e);
        return null;
    }

    private string? OnPresence(ReadOnlySpan<byte> plaintext)
    {
        if (!PresenceRecord.TryParse(plaintext, out PresenceRecord p))
        {
            return Malformed;
        }

        if (p.Room.Length > 0 && !_rooms.IsValidRoom(p.Room))
        {
            return BadRoom(FrameType.Presence, p.Room);
        }

        if (p.Kind == PresenceKind.You)
        {
            _rooms.Own(p.Digest);
        }

        if (!_rooms.Presence(p.Kind, p.Room, p.Digest, p.Name, p.Kind == PresenceKind.Renamed ? p.Text : string.Empty))
        {
            return $"the server announced more than {WireFormat.MembersMax} members in a room, or members of more than {WireFormat.RoomsMax} rooms";
        }

        return Raised(new PresenceEvent(p.Kind, p.Room, p.Digest, p.Name, p.Flags, p.Text));
    }

    private string? OnRoomEvent(ReadOnlySpan<byte> plaintext)
    {
        if (!RoomEventRecord.TryParse(plaintext, out RoomEventRecord e))
        {
            return Malformed;
        }

        if (!_rooms.IsValidRoom(e.Room))
        {
            return BadRoom(FrameType.RoomEvent, e.Room);
        }

        var kind = (RoomNoticeKind)e.Kind;
        _rooms.RoomEvent(kind, e.Room, e.Target, e.TargetName);
        return Raised(new RoomNoticeEvent(kind, e.Room, e.Actor, e.ActorName, e.Target, e.TargetName, e.Text));
    }

    private string? OnRoomInfo(ReadOnlySpan<byte> plaintext)
    {
        if (!RoomInfoRecord.TryParse(plaintext, out RoomInfoRecord info))
        {
            return Malformed;
        }

        if (info.Room.Length > 0 && !_rooms.IsValidRoom(info.Room))
        {
            return BadRoom(FrameType.RoomInfo, info.Room);
        }

        if (info.Kind == RoomInfoKind.Entered && !_rooms.Entered(info.Room))
        {
            return $"the server put this client in more than {WireFormat.RoomsMax} rooms";
        }

        return Raised(new RoomInfoEvent(info.Kind, info.Room, info.Flags, info.Members, info.Topic) { GroupId = info.GroupId });
    }

    private static string BadRoom(FrameType type, string room) => $"a {type} record for \"{SafeText.Name(room)}\", which is not a room name";
}
