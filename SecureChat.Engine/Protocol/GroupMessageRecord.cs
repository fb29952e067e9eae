namespace SecureChat.Engine.Protocol;

/// <summary>
/// GroupMessage (0x26, client to hub): <c>target || mls</c>, a message to the group of <c>target</c>: one MLSMessage,
/// a PrivateMessage of application content, of which the hub reads only the group id and epoch (PROTOCOL.md 4.8). The
/// payload is opaque at this layer. Immutable.
/// </summary>
internal readonly record struct GroupMessageRecord(GroupTarget Target, byte[] Mls)
{
    /// <summary>The records that carry it: Parts when the payload does not fit, then the record.</summary>
    public List<(FrameType Type, byte[] Plaintext)> Write()
    {
        MlsPayload.CheckSendable(Mls);
        byte[] head = new byte[GroupTarget.FieldMax];
        return PartRecord.Frame(FrameType.GroupMessage, head.AsSpan(0, Target.Write(head)), Mls);
    }

    /// <summary>Parses the record, <paramref name="parts"/> being the bytes of the Parts that preceded it.</summary>
    public static bool TryParse(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> parts, out GroupMessageRecord record)
    {
        record = default;
        if (!GroupTarget.TryRead(ref plaintext, out GroupTarget target) || !MlsPayload.TryAssemble(parts, plaintext, out byte[] mls) || mls.Length == 0)
        {
            return false;
        }

        record = new GroupMessageRecord(target, mls);
        return true;
    }
}
