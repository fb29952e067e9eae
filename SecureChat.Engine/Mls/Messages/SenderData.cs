using SecureChat.Engine.Mls.Codec;

namespace SecureChat.Engine.Mls.Messages;

/// <summary>
/// SenderData (RFC 9420 section 6.3.2): who sent a PrivateMessage, which generation of its ratchet sealed the
/// content, and the 4-byte reuse guard XORed into that generation's nonce. Encrypted under the sender-data key.
/// Immutable; thread-safe.
/// </summary>
internal sealed record SenderData(uint LeafIndex, uint Generation, byte[] ReuseGuard)
{
    public const int ReuseGuardSize = 4;

    public void Write(MlsWriter w)
    {
        w.U32(LeafIndex);
        w.U32(Generation);
        w.Raw(ReuseGuard);
    }

    public static SenderData Read(ref MlsReader r) => new(r.U32(), r.U32(), r.Raw(ReuseGuardSize).ToArray());

    public byte[] Encode() => MlsWriter.Encode(Write);

    public static SenderData Decode(ReadOnlySpan<byte> bytes)
    {
        MlsReader r = new(bytes);
        SenderData value = Read(ref r);
        r.ExpectEnd();
        return value;
    }
}
