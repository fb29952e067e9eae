namespace SecureChat.Engine.Protocol;

/// <summary>
/// The head shared by CommitRelay, WelcomeRelay and GroupRelay (PROTOCOL.md 4.1): <c>target || digest || str8 name
/// (1-64)</c>, the group and the member the hub vouches for as its sender; the <c>mls</c> field follows. Pure and
/// thread-safe.
/// </summary>
internal static class RelayedMlsHead
{
    public const int SizeMax = GroupTarget.FieldMax + WireFormat.IdentityDigestSize + RecordPayload.NameFieldMax;

    public static byte[] Write(GroupTarget target, ReadOnlySpan<byte> digest, string name)
    {
        byte[] head = new byte[SizeMax];
        int offset = target.Write(head);
        offset += RecordPayload.WriteDigest(head.AsSpan(offset), digest);
        offset += RecordPayload.WriteName(head.AsSpan(offset), name);
        return head[..offset];
    }

    /// <summary>Reads the head, then the payload: <paramref name="parts"/> before the rest, 1 byte to the limit.</summary>
    public static bool TryRead(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> parts, out GroupTarget target, out byte[] digest, out string name, out byte[] mls)
    {
        digest = [];
        name = string.Empty;
        mls = [];
        return GroupTarget.TryRead(ref plaintext, out target)
            && RecordPayload.TryReadDigest(ref plaintext, out digest)
            && RecordPayload.TryReadName(ref plaintext, allowEmpty: false, out name)
            && MlsPayload.TryAssemble(parts, plaintext, out mls)
            && mls.Length > 0;
    }
}
