using System.Buffers.Binary;

namespace SecureChat.Engine.Protocol;

/// <summary>
/// RoomInfo (0x1E, hub to client): <c>u8 kind || room || u8 flags || u32 members || str8 topic</c>. Entered (flags:
/// bit 0 invite-only, bit 1 the receiver is the room's operator) and Listed (bit 0 only) name a room; ListEnd has no
/// room, no flags and no topic, and members is the number of rooms listed. Immutable.
/// </summary>
internal readonly record struct RoomInfoRecord(RoomInfoKind Kind, string Room, byte Flags, uint Members, string Topic)
{
    /// <summary>Flag bit 0: the room is invite-only.</summary>
    public const byte FlagInviteOnly = 0x01;

    /// <summary>Flag bit 1 (Entered): the receiver is an operator of the room.</summary>
    public const byte FlagOperator = 0x02;

    public const int SizeMax = 1 + RecordPayload.RoomFieldMax + 1 + 4 + RecordPayload.TextFieldMax;

    public static int Write(Span<byte> destination, RoomInfoKind kind, string room, byte flags, uint members, string topic)
    {
        if (!IsConsistent(kind, room, flags, topic))
        {
            throw new ArgumentException($"a RoomInfo {kind} with room \"{room}\" and flags {flags} breaks its layout", nameof(kind));
        }

        destination[0] = (byte)kind;
        int offset = 1 + RecordPayload.WriteRoom(destination[1..], room);
        destination[offset++] = flags;
        BinaryPrimitives.WriteUInt32BigEndian(destination[offset..], members);
        offset += 4;
        return offset + RecordPayload.WriteFieldText(destination[offset..], topic);
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
        if (!RecordPayload.TryReadFieldText(ref plaintext, out string topic) || !plaintext.IsEmpty || !IsConsistent(kind, room, flags, topic))
        {
            return false;
        }

        record = new RoomInfoRecord(kind, room, flags, members, topic);
        return true;
    }

    private static bool IsConsistent(RoomInfoKind kind, string room, byte flags, string topic) => kind switch
    {
        RoomInfoKind.Entered => room.Length > 0 && (flags & ~(FlagInviteOnly | FlagOperator)) == 0,
        RoomInfoKind.Listed => room.Length > 0 && (flags & ~FlagInviteOnly) == 0,
        RoomInfoKind.ListEnd => room.Length == 0 && flags == 0 && topic.Length == 0,
        _ => false,
    };
}
