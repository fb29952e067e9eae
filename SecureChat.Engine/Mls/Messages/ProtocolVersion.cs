namespace SecureChat.Engine.Mls.Messages;

/// <summary>ProtocolVersion (RFC 9420 section 6): only mls10 is defined, and only it is spoken.</summary>
internal enum ProtocolVersion : ushort
{
    Mls10 = 1,
}
