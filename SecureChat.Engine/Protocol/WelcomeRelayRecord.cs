namespace SecureChat.Engine.Protocol;

/// <summary>
/// WelcomeRelay (0x25, hub to client): <c>target || digest || str8 name || mls</c>, the Welcome of an accepted
/// commit that adds the receiver to the group of <c>target</c>, with the committer the hub vouches for; <c>mls</c> is
/// the Welcome (an MLSMessage) exactly as sent.
/// The payload is opaque at this layer. Immutable.
/// </summary>
internal readonly record struct WelcomeRelayRecord(GroupTarget Target, byte[] Digest, string Name, byte[] Mls)
{
    /// <summary>The records that carry it: Parts when the payload does not fit, then the record.</summary>
    public List<(FrameType Type, byte[] Plaintext)> Write()
    {
        MlsPayload.CheckSendable(Mls);
        return PartRecord.Frame(FrameType.WelcomeRelay, RelayedMlsHead.Write(Target, Digest, Name), Mls);
    }

    /// <summary>Parses the record, <paramref name="parts"/> being the bytes of the Parts that preceded it.</summary>
    public static bool TryParse(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> parts, out WelcomeRelayRecord record)
    {
        record = default;
        if (!RelayedMlsHead.TryRead(plaintext, parts, out GroupTarget target, out byte[] digest, out string name, out byte[] mls))
        {
            return false;
        }

        record = new WelcomeRelayRecord(target, digest, name, mls);
        return true;
    }
}
