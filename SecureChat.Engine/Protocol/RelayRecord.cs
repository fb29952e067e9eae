namespace SecureChat.Engine.Protocol;

/// <summary>
/// Relay (0x17, hub to client): <c>room || digest || str8 name (1-64) || text</c>, a room message of a member or of
/// the hub's operator, with the name and identity the hub vouches for. Immutable.
/// </summary>
internal readonly record struct RelayRecord(string Room, byte[] Digest, string Name, string Text)
{
    /// <summary>The plaintext, or -1 when the text is over <see cref="WireFormat.ChatTextMax"/> bytes or not encodable.</summary>
    public static int Write(Span<byte> destination, string room, ReadOnlySpan<byte> digest, string name, string text)
    {
        int offset = RecordPayload.WriteRoom(destination, room);
        offset += RecordPayload.WriteDigest(destination[offset..], digest);
        offset += RecordPayload.WriteName(destination[offset..], name);
        int length = RecordPayload.WriteText(destination[offset..], text, WireFormat.ChatTextMax);
        return length < 0 ? -1 : offset + length;
    }

    public static bool TryParse(ReadOnlySpan<byte> plaintext, out RelayRecord record)
    {
        record = default;
        if (!RecordPayload.TryReadRoom(ref plaintext, out string room) || room.Length == 0
            || !RecordPayload.TryReadDigest(ref plaintext, out byte[] digest)
            || !RecordPayload.TryReadName(ref plaintext, allowEmpty: false, out string name)
            || !RecordPayload.TryReadText(plaintext, WireFormat.ChatTextMax, out string text))
        {
            return false;
        }

        record = new RelayRecord(room, digest, name, text);
        return true;
    }
}
