namespace SecureChat.Engine.Protocol;

/// <summary>
/// Request (0x1C, client to hub): <c>u8 op || room || str8 name (0-64) || str8 text</c>, a room operation (join,
/// part, list, topic, invite, mode, kick, ban, unban, mute, unmute, op, deop, key package, resync: ops 1 to 15; any other op is a malformed
/// record). Immutable.
/// </summary>
internal readonly record struct RequestRecord(byte Op, string Room, string Name, string Text)
{
    /// <summary>The highest op assigned (resync).</summary>
    public const byte OpMax = 15;

    public const int SizeMax = 1 + RecordPayload.RoomFieldMax + RecordPayload.NameFieldMax + RecordPayload.TextFieldMax;

    public static int Write(Span<byte> destination, byte op, string room, string name, string text)
    {
        if (op is 0 or > OpMax)
        {
            throw new ArgumentException($"{op} is not a request op", nameof(op));
        }

        destination[0] = op;
        int offset = 1 + RecordPayload.WriteRoom(destination[1..], room);
        offset += RecordPayload.WriteName(destination[offset..], name, allowEmpty: true);
        return offset + RecordPayload.WriteFieldText(destination[offset..], text);
    }

    public static bool TryParse(ReadOnlySpan<byte> plaintext, out RequestRecord record)
    {
        record = default;
        if (plaintext.IsEmpty || plaintext[0] is 0 or > OpMax)
        {
            return false;
        }

        byte op = plaintext[0];
        plaintext = plaintext[1..];
        if (!RecordPayload.TryReadRoom(ref plaintext, out string room)
            || !RecordPayload.TryReadName(ref plaintext, allowEmpty: true, out string name)
            || !RecordPayload.TryReadFieldText(ref plaintext, out string text)
            || !plaintext.IsEmpty)
        {
            return false;
        }

        record = new RequestRecord(op, room, name, text);
        return true;
    }
}
