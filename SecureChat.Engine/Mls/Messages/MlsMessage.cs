using SecureChat.Engine.Mls.Codec;

namespace SecureChat.Engine.Mls.Messages;

/// <summary>
/// MLSMessage (RFC 9420 section 6): the version (mls10 only), the wire format, and the message of that format;
/// exactly the property matching <see cref="WireFormat"/> is set. Immutable; thread-safe.
/// </summary>
internal sealed record MlsMessage
{
    private MlsMessage(WireFormat wireFormat, object body)
    {
        WireFormat = wireFormat;
        Body = body;
    }

    public WireFormat WireFormat { get; }

    public PublicMessage? PublicMessage => Body as PublicMessage;

    public PrivateMessage? PrivateMessage => Body as PrivateMessage;

    public Welcome? Welcome => Body as Welcome;

    public GroupInfo? GroupInfo => Body as GroupInfo;

    public KeyPackage? KeyPackage => Body as KeyPackage;

    private object Body { get; }

    public static MlsMessage Of(PublicMessage message) => new(WireFormat.PublicMessage, message);

    public static MlsMessage Of(PrivateMessage message) => new(WireFormat.PrivateMessage, message);

    public static MlsMessage Of(Welcome welcome) => new(WireFormat.Welcome, welcome);

    public static MlsMessage Of(GroupInfo groupInfo) => new(WireFormat.GroupInfo, groupInfo);

    public static MlsMessage Of(KeyPackage keyPackage) => new(WireFormat.KeyPackage, keyPackage);

    public void Write(MlsWriter w)
    {
        w.U16((ushort)ProtocolVersion.Mls10);
        w.U16((ushort)WireFormat);
        switch (Body)
        {
            case PublicMessage m:
                m.Write(w);
                break;
            case PrivateMessage m:
                m.Write(w);
                break;
            case Welcome m:
                m.Write(w);
                break;
            case GroupInfo m:
                m.Write(w);
                break;
            case KeyPackage m:
                m.Write(w);
                break;
        }
    }

    public static MlsMessage Read(ref MlsReader r)
    {
        WireEnums.ReadVersion(ref r);
        return WireEnums.ReadWireFormat(ref r) switch
        {
            WireFormat.PublicMessage => Of(PublicMessage.Read(ref r)),
            WireFormat.PrivateMessage => Of(PrivateMessage.Read(ref r)),
            WireFormat.Welcome => Of(Welcome.Read(ref r)),
            WireFormat.GroupInfo => Of(GroupInfo.Read(ref r)),
            _ => Of(KeyPackage.Read(ref r)),
        };
    }

    public byte[] Encode() => MlsWriter.Encode(Write);

    public static MlsMessage Decode(ReadOnlySpan<byte> bytes)
    {
        MlsReader r = new(bytes);
        MlsMessage value = Read(ref r);
        r.ExpectEnd();
        return value;
    }
}
