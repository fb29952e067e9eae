namespace SecureChat.Engine.Mls.Messages;

/// <summary>
/// ExtensionType (RFC 9420 section 13, registry section 17.3). Open: an unknown value is carried as its number and
/// its data kept raw (section 13.4, GREASE section 13.5).
/// </summary>
internal enum ExtensionType : ushort
{
    ApplicationId = 1,
    RatchetTree = 2,
    RequiredCapabilities = 3,
    ExternalPub = 4,
    ExternalSenders = 5,
}
