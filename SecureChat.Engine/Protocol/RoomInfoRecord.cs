using System.Buffers.Binary;

namespace SecureChat.Engine.Protocol;

/// <summary>
/// RoomInfo (0x1E, hub to client): <c>u8 kind || room || u8 flags || u32 members || str8 topic || group_id (entered
/// only)</c>. Entered (flags: bit 0 invite-only, bit 1 the receiver is the room's operator, bit 2 founder: the receiver
/// creates the room's MLS group at epoch 0; then the group's 16-byte id) and Listed (bit 0 only) name a room; ListEnd
/// has no room, no flags and no topic, and members is the number of rooms listed. <see cref="GroupId"/> is empty but
/// for Entered. Immutable.
/// </summary>
internal readonly record struct RoomInfoRecord(RoomInfoKind Kind, string Room, byte Flags, uint Members, string Topic, byte[] GroupId)
{
    /// <summary>Flag bit 0: the room is invite-only.</summary>
    public const byte FlagInviteOnly = 0x01;

    /// <summary>Flag bit 1 (Entered): the receiver is an operator of the room.</summary>
    public const byte FlagOperator = 0x02;

    /// <summary>Flag bit 2 (Entered): the receiver founds the room's MLS group (creates it at epoch 0).</summary>
    public const byte FlagFounder = 0x04;

    public const int SizeMax = 1 + RecordPayload.RoomFieldMax + 1 + 4 + RecordPayload.TextFieldMax + WireFormat.GroupIdSize;

    /// <summary>Writes the record; <paramref name="groupId"/> is the room's group id for Entered (16 bytes), empty otherwise.</summary>
    public static int Write(Span<byte> destination, RoomInfoKind kind, string room, byte flags, uint members, string topic, ReadOnlySpan<byte> groupId)
    {
        if (!IsConsistent(kind, room, flags, topic) || groupId.Length != (kind == RoomInfoKind.Entered ? WireFormat.GroupIdSize : 0))
        {
            throw new ArgumentException($"a RoomInfo {kind} with room \"{room}\" and flags {flags} breaks its layout", nameof(kind));
        }

        destination[0] = (byte)kind;
        int offset = 1 + RecordPayload.WriteRoom(destination[1..], room);
        destination[offset++] = flags;
        BinaryPrimitives.WriteUInt32BigEndian(destination[offset..], members);
        offset += 4;
        offset += RecordPayload.WriteFieldText(destination[offset..], topic);
        groupId.CopyTo(destination[offset..]);
        return offset + groupId.Length;
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
        int groupIdSize = kind == RoomInfoKind.Entered ? WireFormat.GroupIdSize : 0;
        if (!RecordPayload.TryReadFieldText(ref plaintext, out string topic) || plaintext.Length != groupIdSize || !IsConsistent(kind, room, flags, topic))
        {
            return false;
        }

        record = new RoomInfoRecord(kind, room, flags, members, topic, plaintext.ToArray());
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
