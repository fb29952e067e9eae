namespace SecureChat.Engine.Protocol;

/// <summary>
/// DirectRelay (0x1A, hub to client): <c>digest || str8 name (1-64) || text</c>, a direct message from that identity
/// (the operator's digest for the hub's operator). Immutable.
/// </summary>
internal readonly record struct DirectRelayRecord(byte[] Digest, string Name, string Text)
{
    /// <summary>The plaintext, or -1 when the text is over <see cref="WireFormat.ChatTextMax"/> bytes or not encodable.</summary>
    public static int Write(Span<byte> destination, ReadOnlySpan<byte> digest, string name, string text)
    {
        int offset = RecordPayload.WriteDigest(destination, digest);
        offset += RecordPayload.WriteName(destination[offset..], name);
        int length = RecordPayload.WriteText(destination[offset..], text, WireFormat.ChatTextMax);
        return length < 0 ? -1 : offset + length;
    }

    public static bool TryParse(ReadOnlySpan<byte> plaintext, out DirectRelayRecord record)
    {
        record = default;
        if (!RecordPayload.TryReadDigest(ref plaintext, out byte[] digest)
            || RecordPayload.IsNobody(digest)
            || !RecordPayload.TryReadName(ref plaintext, allowEmpty: false, out string name)
            || !RecordPayload.TryReadText(plaintext, WireFormat.ChatTextMax, out string text))
        {
            return false;
        }

        record = new DirectRelayRecord(digest, name, text);
        return true;
    }
}
