namespace SecureChat.Engine.Protocol;

/// <summary>
/// KeyPackageRelay (0x28, hub to client): <c>digest || str8 name (1-64) || mls</c>, the answer to a Request
/// <c>key package</c>: one key package (an MLSMessage) of that identity, known by that name, to start a direct
/// conversation with (PROTOCOL.md 4.8). The payload is opaque at this layer. Immutable.
/// </summary>
internal readonly record struct KeyPackageRelayRecord(byte[] Digest, string Name, byte[] Mls)
{
    /// <summary>The records that carry it: Parts when the payload does not fit, then the record.</summary>
    public List<(FrameType Type, byte[] Plaintext)> Write()
    {
        MlsPayload.CheckSendable(Mls);
        byte[] head = new byte[WireFormat.IdentityDigestSize + RecordPayload.NameFieldMax];
        int length = RecordPayload.WriteDigest(head, Digest);
        length += RecordPayload.WriteName(head.AsSpan(length), Name);
        return PartRecord.Frame(FrameType.KeyPackageRelay, head.AsSpan(0, length), Mls);
    }

    /// <summary>Parses the record, <paramref name="parts"/> being the bytes of the Parts that preceded it.</summary>
    public static bool TryParse(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> parts, out KeyPackageRelayRecord record)
    {
        record = default;
        if (!RecordPayload.TryReadDigest(ref plaintext, out byte[] digest)
            || !RecordPayload.TryReadName(ref plaintext, allowEmpty: false, out string name)
            || !MlsPayload.TryAssemble(parts, plaintext, out byte[] mls) || mls.Length == 0)
        {
            return false;
        }

        record = new KeyPackageRelayRecord(digest, name, mls);
        return true;
    }
}
