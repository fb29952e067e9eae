using SecureChat.Engine.Mls.Codec;

namespace SecureChat.Engine.Mls.Messages;

/// <summary>
/// PrivateMessage (RFC 9420 section 6.3): the group id, epoch, content type and authenticated data in the clear;
/// the sender data (leaf index, generation, reuse guard) and the content with its auth data encrypted.
/// Immutable; thread-safe.
/// </summary>
internal sealed record PrivateMessage(
    byte[] GroupId,
    ulong Epoch,
    ContentType ContentType,
    byte[] AuthenticatedData,
    byte[] EncryptedSenderData,
    byte[] Ciphertext)
{
    public void Write(MlsWriter w)
    {
        w.Opaque(GroupId);
        w.U64(Epoch);
        w.U8((byte)ContentType);
        w.Opaque(AuthenticatedData);
        w.Opaque(EncryptedSenderData);
        w.Opaque(Ciphertext);
    }

    public static PrivateMessage Read(ref MlsReader r) => new(
        r.OpaqueArray(),
        r.U64(),
        WireEnums.ReadContentType(ref r),
        r.OpaqueArray(),
        r.OpaqueArray(),
        r.OpaqueArray());
}
