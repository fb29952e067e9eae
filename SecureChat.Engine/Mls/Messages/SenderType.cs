namespace SecureChat.Engine.Mls.Messages;

/// <summary>SenderType (RFC 9420 section 6): who sent a FramedContent; closed.</summary>
internal enum SenderType : byte
{
    Member = 1,
    External = 2,
    NewMemberProposal = 3,
    NewMemberCommit = 4,
}
