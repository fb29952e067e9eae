namespace SecureChat.Engine.Protocol;

/// <summary>
/// GroupRelay (0x27, hub to client): <c>target || digest || str8 name || mls</c>, a member's GroupMessage relayed
/// to the other members of the group of <c>target</c>, with the sender the hub vouches for; <c>mls</c> is the
/// PrivateMessage exactly as sent (the member checks that its sender leaf is that identity).
/// The payload is opaque at this layer. Immutable.
/// </summary>
internal readonly record struct GroupRelayRecord(GroupTarget Target, byte[] Digest, string Name, byte[] Mls)
{
    /// <summary>The records that carry it: Parts when the payload does not fit, then the record.</summary>
    public List<(FrameType Type, byte[] Plaintext)> Write()
    {
        MlsPayload.CheckSendable(Mls);
        return PartRecord.Frame(FrameType.GroupRelay, RelayedMlsHead.Write(Target, Digest, Name), Mls);
    }

    /// <summary>Parses the record, <paramref name="parts"/> being the bytes of the Parts that preceded it.</summary>
    public static bool TryParse(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> parts, out GroupRelayRecord record)
    {
        record = default;
        if (!RelayedMlsHead.TryRead(plaintext, parts, out GroupTarget target, out byte[] digest, out string name, out byte[] mls))
        {
            return false;
        }

        record = new GroupRelayRecord(target, digest, name, mls);
        return true;
    }
}
