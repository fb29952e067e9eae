namespace SecureChat.Engine.Protocol;

/// <summary>
/// GroupCommit (0x22, client to hub): <c>target || mls</c> with <c>mls = u32 n || n bytes commit || welcome</c>: a
/// commit (an MLSMessage, PublicMessage) for the group of <c>target</c>, and the Welcome for the joiners it adds (an
/// MLSMessage) or nothing (PROTOCOL.md 4.1, 4.8). Both are inside the payload, so a commit longer than a record travels
/// with Parts, and the two are relayed together or not at all. Opaque at this layer. Immutable.
/// </summary>
internal readonly record struct GroupCommitRecord(GroupTarget Target, byte[] Commit, byte[] Welcome)
{
    /// <summary>The records that carry it: Parts when the payload does not fit, then the record.</summary>
    public List<(FrameType Type, byte[] Plaintext)> Write()
    {
        byte[] mls = new byte[MlsPayload.EntryPrefixSize + Commit.Length + Welcome.Length];
        int offset = MlsPayload.WriteEntry(mls, Commit);
        Welcome.CopyTo(mls, offset);
        MlsPayload.CheckSendable(mls);
        byte[] head = new byte[GroupTarget.FieldMax];
        return PartRecord.Frame(FrameType.GroupCommit, head.AsSpan(0, Target.Write(head)), mls);
    }

    /// <summary>Parses the record, <paramref name="parts"/> being the bytes of the Parts that preceded it.</summary>
    public static bool TryParse(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> parts, out GroupCommitRecord record)
    {
        record = default;
        if (!GroupTarget.TryRead(ref plaintext, out GroupTarget target) || !MlsPayload.TryAssemble(parts, plaintext, out byte[] mls))
        {
            return false;
        }

        ReadOnlySpan<byte> rest = mls;
        if (!MlsPayload.TryReadEntry(ref rest, out byte[] commit))
        {
            return false;
        }

        record = new GroupCommitRecord(target, commit, rest.ToArray());
        return true;
    }
}
