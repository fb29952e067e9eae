namespace SecureChat.Engine.Protocol;

/// <summary>
/// CommitRelay (0x24, hub to client): <c>target || digest || str8 name || mls</c>, a commit the hub accepted for the
/// group of <c>target</c>, relayed to the other members in the order it accepted them, with the committer it vouches
/// for; <c>mls</c> is the commit (an MLSMessage, PublicMessage) exactly as sent.
/// The payload is opaque at this layer. Immutable.
/// </summary>
internal readonly record struct CommitRelayRecord(GroupTarget Target, byte[] Digest, string Name, byte[] Mls)
{
    /// <summary>The records that carry it: Parts when the payload does not fit, then the record.</summary>
    public List<(FrameType Type, byte[] Plaintext)> Write()
    {
        MlsPayload.CheckSendable(Mls);
        return PartRecord.Frame(FrameType.CommitRelay, RelayedMlsHead.Write(Target, Digest, Name), Mls);
    }

    /// <summary>Parses the record, <paramref name="parts"/> being the bytes of the Parts that preceded it.</summary>
    public static bool TryParse(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> parts, out CommitRelayRecord record)
    {
        record = default;
        if (!RelayedMlsHead.TryRead(plaintext, parts, out GroupTarget target, out byte[] digest, out string name, out byte[] mls))
        {
            return false;
        }

        record = new CommitRelayRecord(target, digest, name, mls);
        return true;
    }
}
