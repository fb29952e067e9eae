using System.Buffers.Binary;

namespace SecureChat.Engine.Protocol;

/// <summary>
/// RoomInfo (0x1E, hub to client): <c>u8 kind || room || u8 flags || u32 members || str8 topic || group_id (Entered
/// only)</c>. Entered (flags: bit 0 invite-only, bit 1 the receiver is the room's operator, bit 2 the receiver founds
/// the room's MLS group; then the group's 16-byte <c>group_id</c>) and Listed (bit 0 only) name a room; ListEnd has no
/// room, no flags and no topic, and members is the number of rooms listed. Immutable.
/// </summary>
internal readonly record struct RoomInfoRecord(RoomInfoKind Kind, string Room, byte Flags, uint Members, string Topic, byte[]? GroupId = null)
{
    /// <summary>Flag bit 0: the room is invite-only.</summary>
    public const byte FlagInviteOnly = 0x01;

    /// <summary>Flag bit 1 (Entered): the receiver is an operator of the room.</summary>
    public const byte FlagOperator = 0x02;

    /// <summary>Flag bit 2 (Entered): the receiver creates the room's MLS group at epoch 0 (PROTOCOL.md 4.8).</summary>
    public const byte FlagFounder = 0x04;

    public const int SizeMax = 1 + RecordPayload.RoomFieldMax + 1 + 4 + RecordPayload.TextFieldMax + WireFormat.GroupIdSize;

    public static int Write(Span<byte> destination, RoomInfoKind kind, string room, byte flags, uint members, string topic, byte[]? groupId = null)
    {
        if (!IsConsistent(kind, room, flags, topic) || (kind == RoomInfoKind.Entered) != (groupId?.Length == WireFormat.GroupIdSize))
        {
            throw new ArgumentException($"a RoomInfo {kind} with room \"{room}\" and flags {flags} breaks its layout", nameof(kind));
        }

        destination[0] = (byte)kind;
        int offset = 1 + RecordPayload.WriteRoom(destination[1..], room);
        destination[offset++] = flags;
        BinaryPrimitives.WriteUInt32BigEndian(destination[offset..], members);
        offset += 4;
        offset += RecordPayload.WriteFieldText(destination[offset..], topic);
        if (kind == RoomInfoKind.Entered)
        {
            groupId.CopyTo(destination[offset..]);
            offset += WireFormat.GroupIdSize;
        }

        return offset;
    }

    public static bool TryParse(ReadOnlySpan<byte> plaintext, out RoomInfoRecord record)
    {
        record = default;
        if (plaintext.IsEmpty || plaintext[0] is < (byte)RoomInfoKind.Entered or > (byte)RoomInfoKind.ListEnd)
        {
            return false;
        }

        var kind = (RoomInfoKind)plaintext[0];
        plaintext = plaintext[1..];
        if (!RecordPayload.TryReadRoom(ref plaintext, out string room) || plaintext.Length < 5)
        {
            return false;
        }

        byte flags = plaintext[0];
        uint members = BinaryPrimitives.ReadUInt32BigEndian(plaintext[1..]);
        plaintext = plaintext[5..];
        if (!RecordPayload.TryReadFieldText(ref plaintext, out string topic)
            || plaintext.Length != (kind == RoomInfoKind.Entered ? WireFormat.GroupIdSize : 0)
            || !IsConsistent(kind, room, flags, topic))
        {
            return false;
        }

        record = new RoomInfoRecord(kind, room, flags, members, topic, kind == RoomInfoKind.Entered ? plaintext.ToArray() : null);
        return true;
    }

    private static bool IsConsistent(RoomInfoKind kind, string room, byte flags, string topic) => kind switch
    {
        RoomInfoKind.Entered => room.Length > 0 && (flags & ~(FlagInviteOnly | FlagOperator | FlagFounder)) == 0,
        RoomInfoKind.Listed => room.Length > 0 && (flags & ~FlagInviteOnly) == 0,
        RoomInfoKind.ListEnd => room.Length == 0 && flags == 0 && topic.Length == 0,
        _ => false,
    };
}
