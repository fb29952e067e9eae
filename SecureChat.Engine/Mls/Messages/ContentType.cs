namespace SecureChat.Engine.Mls.Messages;

/// <summary>ContentType (RFC 9420 section 6): what a FramedContent carries; closed.</summary>
internal enum ContentType : byte
{
    Application = 1,
    Proposal = 2,
    Commit = 3,
}
