namespace SecureChat.Engine.Protocol;

/// <summary>
/// Direct (0x19, client to hub): <c>person || text</c>, a direct message to an identity or a name, text 0 to
/// <see cref="WireFormat.ChatTextMax"/> bytes of UTF-8. Immutable.
/// </summary>
internal readonly record struct DirectRecord(PersonRef To, string Text)
{
    /// <summary>The plaintext, or -1 when the text is over <see cref="WireFormat.ChatTextMax"/> bytes or not encodable.</summary>
    public static int Write(Span<byte> destination, PersonRef to, string text)
    {
        int offset = RecordPayload.WritePerson(destination, to);
        int length = RecordPayload.WriteText(destination[offset..], text, WireFormat.ChatTextMax);
        return length < 0 ? -1 : offset + length;
    }

    public static bool TryParse(ReadOnlySpan<byte> plaintext, out DirectRecord record)
    {
        record = default;
        if (!RecordPayload.TryReadPerson(ref plaintext, out PersonRef to) || !RecordPayload.TryReadText(plaintext, WireFormat.ChatTextMax, out string text))
        {
            return false;
        }

        record = new DirectRecord(to, text);
        return true;
    }
}
