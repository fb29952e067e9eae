namespace SecureChat.Engine.Protocol;

/// <summary>
/// Reply (0x1F, hub to client): <c>u8 code || u8 op || room || digest || str8 name || str8 text</c>, the hub's answer
/// to a Request (op 1 to 15), a KeyPackages (<see cref="OpKeyPackages"/>) or a GroupMessage (<see cref="OpGroupMessage"/>).
/// Codes 0 to <see cref="CodeMax"/>; any other code or op is a malformed record. Immutable.
/// </summary>
internal readonly record struct ReplyRecord(byte Code, byte Op, string Room, byte[] Digest, string Name, string Text)
{
    /// <summary>The op of a reply to a KeyPackages record (its frame type).</summary>
    public const byte OpKeyPackages = (byte)FrameType.KeyPackages;

    /// <summary>The op of a reply to a GroupMessage record (its frame type).</summary>
    public const byte OpGroupMessage = (byte)FrameType.GroupMessage;

    /// <summary>The highest code assigned (few key packages).</summary>
    public const byte CodeMax = 15;

    public const int SizeMax = 2 + RecordPayload.RoomFieldMax + WireFormat.IdentityDigestSize + RecordPayload.NameFieldMax + RecordPayload.TextFieldMax;

    /// <summary>True for an op a Reply may answer.</summary>
    public static bool IsValidOp(byte op) => op is (>= 1 and <= RequestRecord.OpMax) or OpKeyPackages or OpGroupMessage;

    public static int Write(Span<byte> destination, byte code, byte op, string room, ReadOnlySpan<byte> digest, string name, string text)
    {
        if (code > CodeMax || !IsValidOp(op))
        {
            throw new ArgumentException($"a Reply with code {code} and op {op} breaks its layout", nameof(code));
        }

        destination[0] = code;
        destination[1] = op;
        int offset = 2 + RecordPayload.WriteRoom(destination[2..], room);
        offset += RecordPayload.WriteDigest(destination[offset..], digest);
        offset += RecordPayload.WriteName(destination[offset..], name, allowEmpty: true);
        return offset + RecordPayload.WriteFieldText(destination[offset..], text);
    }

    public static bool TryParse(ReadOnlySpan<byte> plaintext, out ReplyRecord record)
    {
        record = default;
        if (plaintext.Length < 2 || plaintext[0] > CodeMax || !IsValidOp(plaintext[1]))
        {
            return false;
        }

        byte code = plaintext[0];
        byte op = plaintext[1];
        plaintext = plaintext[2..];
        if (!RecordPayload.TryReadRoom(ref plaintext, out string room)
            || !RecordPayload.TryReadDigest(ref plaintext, out byte[] digest)
            || !RecordPayload.TryReadName(ref plaintext, allowEmpty: true, out string name)
            || !RecordPayload.TryReadFieldText(ref plaintext, out string text)
            || !plaintext.IsEmpty)
        {
            return false;
        }

        record = new ReplyRecord(code, op, room, digest, name, text);
        return true;
    }
}
