using SecureChat.Engine.Mls.Codec;

namespace SecureChat.Engine.Mls.Messages;

/// <summary>
/// Reads the closed enumerations of RFC 9420 (sections 6, 7.2): a value outside the defined set changes the layout
/// of what follows, so it is malformed input (<see cref="MlsFormatException"/>). Stateless and thread-safe.
/// </summary>
internal static class WireEnums
{
    public static ProtocolVersion ReadVersion(ref MlsReader r)
    {
        ushort v = r.U16();
        return v == (ushort)ProtocolVersion.Mls10
            ? ProtocolVersion.Mls10
            : throw new MlsFormatException($"protocol version {v} is not mls10");
    }

    public static WireFormat ReadWireFormat(ref MlsReader r)
    {
        ushort v = r.U16();
        return v is >= 1 and <= 5 ? (WireFormat)v : throw new MlsFormatException($"unknown wire format {v}");
    }

    public static ContentType ReadContentType(ref MlsReader r)
    {
        byte v = r.U8();
        return v is >= 1 and <= 3 ? (ContentType)v : throw new MlsFormatException($"unknown content type {v}");
    }

    public static SenderType ReadSenderType(ref MlsReader r)
    {
        byte v = r.U8();
        return v is >= 1 and <= 4 ? (SenderType)v : throw new MlsFormatException($"unknown sender type {v}");
    }

    public static LeafNodeSource ReadLeafNodeSource(ref MlsReader r)
    {
        byte v = r.U8();
        return v is >= 1 and <= 3 ? (LeafNodeSource)v : throw new MlsFormatException($"unknown leaf node source {v}");
    }
}
