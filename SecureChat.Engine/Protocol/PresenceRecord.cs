namespace SecureChat.Engine.Protocol;

/// <summary>
/// Presence (0x12, hub to client): <c>u8 kind || room || digest || str8 name (1-64) || u8 flags || str8 text</c>.
/// The room is set exactly for Joined, Member and Parted; flags (bit 0 room operator, bit 1 muted) only for Joined and
/// Member; the text is the new name (1-64 bytes) for Renamed, a reason for Parted, and empty for the others. Anything
/// else is a malformed record. Immutable.
/// </summary>
internal readonly record struct PresenceRecord(PresenceKind Kind, string Room, byte[] Digest, string Name, byte Flags, string Text)
{
    /// <summary>Flag bit 0: the person is an operator of the room.</summary>
    public const byte FlagOperator = 0x01;

    /// <summary>Flag bit 1: the person is muted in the room.</summary>
    public const byte FlagMuted = 0x02;

    public const int SizeMax = 1 + RecordPayload.RoomFieldMax + WireFormat.IdentityDigestSize + RecordPayload.NameFieldMax + 1 + RecordPayload.TextFieldMax;

    /// <summary>True when the kind's notice is about one room (its room field is set).</summary>
    public static bool HasRoom(PresenceKind kind) => kind is PresenceKind.Joined or PresenceKind.Member or PresenceKind.Parted;

    public static int Write(Span<byte> destination, PresenceKind kind, string room, ReadOnlySpan<byte> digest, string name, byte flags, string text)
    {
        if (kind is < PresenceKind.Joined or > PresenceKind.Back || HasRoom(kind) != (room.Length > 0)
            || (flags != 0 && kind is not (PresenceKind.Joined or PresenceKind.Member)) || (flags & ~(FlagOperator | FlagMuted)) != 0)
        {
            throw new ArgumentException($"a {kind} notice with room \"{room}\" and flags {flags} breaks the Presence layout", nameof(kind));
        }

        destination[0] = (byte)kind;
        int offset = 1 + RecordPayload.WriteRoom(destination[1..], room);
        offset += RecordPayload.WriteDigest(destination[offset..], digest);
        offset += RecordPayload.WriteName(destination[offset..], name);
        destination[offset++] = flags;
        return offset + (kind == PresenceKind.Renamed ? RecordPayload.WriteName(destination[offset..], text) : RecordPayload.WriteFieldText(destination[offset..], TextOf(kind, text)));
    }

    public static bool TryParse(ReadOnlySpan<byte> plaintext, out PresenceRecord record)
    {
        record = default;
        if (plaintext.IsEmpty || plaintext[0] is < (byte)PresenceKind.Joined or > (byte)PresenceKind.Back)
        {
            return false;
        }

        var kind = (PresenceKind)plaintext[0];
        plaintext = plaintext[1..];
        if (!RecordPayload.TryReadRoom(ref plaintext, out string room) || HasRoom(kind) != (room.Length > 0)
            || !RecordPayload.TryReadDigest(ref plaintext, out byte[] digest)
            || !RecordPayload.TryReadName(ref plaintext, allowEmpty: false, out string name)
            || plaintext.IsEmpty)
        {
            return false;
        }

        byte flags = plaintext[0];
        plaintext = plaintext[1..];
        bool flagsAllowed = kind is PresenceKind.Joined or PresenceKind.Member ? (flags & ~(FlagOperator | FlagMuted)) == 0 : flags == 0;
        bool textRead = kind == PresenceKind.Renamed
            ? RecordPayload.TryReadName(ref plaintext, allowEmpty: false, out string text)
            : RecordPayload.TryReadFieldText(ref plaintext, out text);
        if (!flagsAllowed || !textRead || !plaintext.IsEmpty || (text.Length > 0 && kind is not (PresenceKind.Renamed or PresenceKind.Parted)))
        {
            return false;
        }

        record = new PresenceRecord(kind, room, digest, name, flags, text);
        return true;
    }

    /// <summary>Only Renamed and Parted carry a text; the others send an empty one whatever the caller passed.</summary>
    private static string TextOf(PresenceKind kind, string text) => kind == PresenceKind.Parted ? text : string.Empty;
}
