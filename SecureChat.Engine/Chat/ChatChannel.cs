using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Chat;

/// <summary>
/// The chat on top of a <see cref="SecureSession"/>'s application records (PROTOCOL.md, "Records", protocol v3). A
/// client sends Chat (a room message), Direct, Request and Nick; a hub sends Relay, DirectRelay, Presence, RoomEvent,
/// RoomInfo, Reply and Ack. Encodes what this side sends (the layouts are in <see cref="Protocol"/>) and decodes what
/// arrives into session events: <see cref="MessageReceivedEvent"/>, <see cref="PeerNamedEvent"/>,
/// <see cref="DirectRequestEvent"/> and <see cref="RoomRequestEvent"/> on a hub; <see cref="PresenceEvent"/>,
/// <see cref="RoomNoticeEvent"/>, <see cref="RoomInfoEvent"/> and <see cref="ReplyEvent"/> on a client, which holds the
/// hub to its bounds (<see cref="ClientRooms"/>) and to valid room names. The v4 group records and their Parts go
/// through <see cref="GroupRecordReceiver"/> and <see cref="GroupRecordSender"/>. A malformed record fails the session.
/// The session knows nothing of names, rooms or text. Not thread-safe: used under the same lock as its session.
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

    /// <summary>Seals one room message. False when the text does not fit in one record (or is not valid UTF-16).</summary>
    public bool SendChat(string room, string text)
    {
        byte[] buffer = Rent();
        return SealPooled(FrameType.Chat, buffer, ChatRecord.Write(buffer, room, text));
    }

    /// <summary>Tells the hub the name this side asks for (1-64 bytes of UTF-8).</summary>
    public void SendNick(string name)
    {
        Span<byte> plaintext = stackalloc byte[NickRecord.SizeMax];
        Session.SealApplication(FrameType.Nick, plaintext[..NickRecord.Write(plaintext, name)]);
    }

    /// <summary>Seals one direct message. False when the text does not fit in one record (or is not valid UTF-16).</summary>
    public bool SendDirect(PersonRef to, string text)
    {
        byte[] buffer = Rent();
        return SealPooled(FrameType.Direct, buffer, DirectRecord.Write(buffer, to, text));
    }

    /// <summary>Asks the hub for a room operation (a reason or topic longer than 255 bytes is cut).</summary>
    public void SendRequest(RoomOp op, string room, string name, string text)
    {
        Span<byte> plaintext = stackalloc byte[RequestRecord.SizeMax];
        Session.SealApplication(FrameType.Request, plaintext[..RequestRecord.Write(plaintext, (byte)op, room, name, text)]);
    }

    // ---- Hub to client ------------------------------------------------------------------------------------------

    /// <summary>Relays a room message with its sender's name and identity digest (the hub vouches for them). False when the text does not fit.</summary>
    public bool SendRelay(string room, ReadOnlySpan<byte> digest, string name, string text)
    {
        byte[] buffer = Rent();
        return SealPooled(FrameType.Relay, buffer, RelayRecord.Write(buffer, room, digest, name, text));
    }

    /// <summary>Tells a client about someone entering or leaving a room or the hub, being renamed, or its own name.</summary>
    public void SendPresence(PresenceKind kind, string room, ReadOnlySpan<byte> digest, string name, byte flags, string text)
    {
        Span<byte> plaintext = stackalloc byte[PresenceRecord.SizeMax];
        Session.SealApplication(FrameType.Presence, plaintext[..PresenceRecord.Write(plaintext, kind, room, digest, name, flags, text)]);
    }

    /// <summary>Passes on a direct message from that identity. False when the text does not fit.</summary>
    public bool SendDirectRelay(ReadOnlySpan<byte> digest, string name, string text)
    {
        byte[] buffer = Rent();
        return SealPooled(FrameType.DirectRelay, buffer, DirectRelayRecord.Write(buffer, digest, name, text));
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

    /// <summary>Tells a client it entered a room, or one room (or the end) of a list.</summary>
    public void SendRoomInfo(RoomInfoKind kind, string room, byte flags, uint members, string topic, byte[]? groupId = null)
    {
        Span<byte> plaintext = stackalloc byte[RoomInfoRecord.SizeMax];
        Session.SealApplication(FrameType.RoomInfo, plaintext[..RoomInfoRecord.Write(plaintext, kind, room, flags, members, topic, groupId)]);
    }

    /// <summary>Answers a client's request (op 1-13), direct message (<see cref="ReplyRecord.OpDirect"/>) or room message (<see cref="ReplyRecord.OpChat"/>).</summary>
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
            FrameType.Chat => OnChat(plaintext),
            FrameType.Nick => NickRecord.TryParse(plaintext, out NickRecord nick) ? Raised(new PeerNamedEvent(nick.Name)) : Malformed,
            FrameType.Direct => DirectRecord.TryParse(plaintext, out DirectRecord direct) ? Raised(new DirectRequestEvent(direct.To, direct.Text)) : TooLongOr(type, plaintext),
            FrameType.Request => RequestRecord.TryParse(plaintext, out RequestRecord request)
                ? Raised(new RoomRequestEvent((RoomOp)request.Op, request.Room, request.Name, request.Text))
                : Malformed,
            FrameType.Relay => OnRelay(plaintext),
            FrameType.DirectRelay => DirectRelayRecord.TryParse(plaintext, out DirectRelayRecord relayed)
                ? Raised(new MessageReceivedEvent(relayed.Name, relayed.Text, relayed.Digest, string.Empty, Direct: true))
                : TooLongOr(type, plaintext),
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

    /// <summary>
    /// Why a message record did not parse: its text over <see cref="WireFormat.ChatTextMax"/> (one rule on both sides,
    /// PROTOCOL.md 4.1: a longer text could not be relayed whole, so it is never shown), or malformed.
    /// </summary>
    private static string TooLongOr(FrameType type, ReadOnlySpan<byte> plaintext)
    {
        bool fields = type switch
        {
            FrameType.Chat => RecordPayload.TryReadRoom(ref plaintext, out _),
            FrameType.Relay => RecordPayload.TryReadRoom(ref plaintext, out _) && RecordPayload.TryReadDigest(ref plaintext, out _) && RecordPayload.TryReadName(ref plaintext, false, out _),
            FrameType.Direct => RecordPayload.TryReadPerson(ref plaintext, out _),
            FrameType.DirectRelay => RecordPayload.TryReadDigest(ref plaintext, out _) && RecordPayload.TryReadName(ref plaintext, false, out _),
            _ => false,
        };
        return fields && plaintext.Length > WireFormat.ChatTextMax
            ? string.Create(CultureInfo.InvariantCulture, $"a message of {plaintext.Length:N0} bytes, over the {WireFormat.ChatTextMax:N0}-byte limit")
            : Malformed;
    }

    private string? OnChat(ReadOnlySpan<byte> plaintext) =>
        ChatRecord.TryParse(plaintext, out ChatRecord chat)
            ? Raised(new MessageReceivedEvent(string.Empty, chat.Text, null, chat.Room, Direct: false))
            : TooLongOr(FrameType.Chat, plaintext);

    private string? OnRelay(ReadOnlySpan<byte> plaintext)
    {
        if (!RelayRecord.TryParse(plaintext, out RelayRecord relay))
        {
            return TooLongOr(FrameType.Relay, plaintext);
        }

        return !_rooms.IsValidRoom(relay.Room) ? BadRoom(FrameType.Relay, relay.Room)
            : Raised(new MessageReceivedEvent(relay.Name, relay.Text, relay.Digest, relay.Room, Direct: false));
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

    /// <summary>A pooled buffer for a record that may carry up to a whole record's plaintext (a message).</summary>
    private static byte[] Rent() => ArrayPool<byte>.Shared.Rent(WireFormat.RecordPlaintextMax);

    /// <summary>Seals the <paramref name="length"/> bytes written in <paramref name="plaintext"/> (none when -1: the text did not fit), then wipes and returns the buffer.</summary>
    private bool SealPooled(FrameType type, byte[] plaintext, int length)
    {
        try
        {
            if (length < 0)
            {
                return false;
            }

            Session.SealApplication(type, plaintext.AsSpan(0, length));
            CryptographicOperations.ZeroMemory(plaintext.AsSpan(0, length));
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(plaintext);
        }
    }
}
