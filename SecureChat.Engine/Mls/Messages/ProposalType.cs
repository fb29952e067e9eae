namespace SecureChat.Engine.Mls.Messages;

/// <summary>
/// ProposalType (RFC 9420 section 12.1, registry section 17.4). Open: an unknown value is carried as its number
/// (see <see cref="UnknownProposal"/>).
/// </summary>
internal enum ProposalType : ushort
{
    Add = 1,
    Update = 2,
    Remove = 3,
    PreSharedKey = 4,
    ReInit = 5,
    ExternalInit = 6,
    GroupContextExtensions = 7,
}
