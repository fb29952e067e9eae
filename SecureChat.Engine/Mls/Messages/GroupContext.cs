using SecureChat.Engine.Mls.Codec;

namespace SecureChat.Engine.Mls.Messages;

/// <summary>
/// GroupContext (RFC 9420 section 8.1): the state every member of an epoch agrees on: the group id, epoch, the
/// ratchet tree's hash, the confirmed transcript hash and the group's extensions. Its encoding is the context of
/// the key schedule and of members' signatures. Immutable; thread-safe.
/// </summary>
internal sealed record GroupContext(
    ProtocolVersion Version,
    ushort CipherSuite,
    byte[] GroupId,
    ulong Epoch,
    byte[] TreeHash,
    byte[] ConfirmedTranscriptHash,
    IReadOnlyList<Extension> Extensions)
{
    public void Write(MlsWriter w)
    {
        w.U16((ushort)Version);
        w.U16(CipherSuite);
        w.Opaque(GroupId);
        w.U64(Epoch);
        w.Opaque(TreeHash);
        w.Opaque(ConfirmedTranscriptHash);
        Messages.Extensions.Write(w, Extensions);
    }

    public static GroupContext Read(ref MlsReader r) => new(
        WireEnums.ReadVersion(ref r),
        r.U16(),
        r.OpaqueArray(),
        r.U64(),
        r.OpaqueArray(),
        r.OpaqueArray(),
        Messages.Extensions.Read(ref r));

    public byte[] Encode() => MlsWriter.Encode(Write);

    public static GroupContext Decode(ReadOnlySpan<byte> bytes)
    {
        MlsReader r = new(bytes);
        GroupContext value = Read(ref r);
        r.ExpectEnd();
        return value;
    }
}
