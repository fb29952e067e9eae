namespace SecureChat.Engine.Mls.Messages;

/// <summary>
/// CredentialType (RFC 9420 section 5.3, registry section 17.5). Open: a value outside this list (a GREASE value,
/// section 13.5, or a later registration) is carried as its number.
/// </summary>
internal enum CredentialType : ushort
{
    Basic = 1,
    X509 = 2,
}
