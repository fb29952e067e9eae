using SecureChat.Engine.Mls.Codec;

namespace SecureChat.Engine.Mls.Messages;

/// <summary>
/// Extension (RFC 9420 section 13.4): a type and its data, kept raw; the layers that understand a type decode its
/// data. Unknown types are carried unchanged. Immutable; thread-safe.
/// </summary>
internal sealed record Extension(ExtensionType Type, byte[] Data)
{
    public void Write(MlsWriter w)
    {
        w.U16((ushort)Type);
        w.Opaque(Data);
    }

    public static Extension Read(ref MlsReader r) => new((ExtensionType)r.U16(), r.OpaqueArray());
}
