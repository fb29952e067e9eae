namespace SecureChat.Engine.Mls.Messages;

/// <summary>WireFormat (RFC 9420 section 6, registry section 17.2): the five formats of an MLSMessage; closed.</summary>
internal enum WireFormat : ushort
{
    PublicMessage = 1,
    PrivateMessage = 2,
    Welcome = 3,
    GroupInfo = 4,
    KeyPackage = 5,
}
