namespace SecureChat.Engine.Protocol;

/// <summary>
/// Chat (0x10, client to hub): <c>room || text</c>, text 0 to <see cref="WireFormat.ChatTextMax"/> bytes of UTF-8.
/// The room is only checked for its layout here; whether it names a room is the hub's question. Immutable.
/// </summary>
internal readonly record struct ChatRecord(string Room, string Text)
{
    /// <summary>The plaintext, or -1 when the text is over <see cref="WireFormat.ChatTextMax"/> bytes or not encodable.</summary>
    public static int Write(Span<byte> destination, string room, string text)
    {
        int offset = RecordPayload.WriteRoom(destination, room);
        int length = RecordPayload.WriteText(destination[offset..], text, WireFormat.ChatTextMax);
        return length < 0 ? -1 : offset + length;
    }

    public static bool TryParse(ReadOnlySpan<byte> plaintext, out ChatRecord record)
    {
        record = default;
        if (!RecordPayload.TryReadRoom(ref plaintext, out string room) || !RecordPayload.TryReadText(plaintext, WireFormat.ChatTextMax, out string text))
        {
            return false;
        }

        record = new ChatRecord(room, text);
        return true;
    }
}
