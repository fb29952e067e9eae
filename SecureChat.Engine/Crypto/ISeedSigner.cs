namespace SecureChat.Engine.Crypto;

/// <summary>
/// An identity whose private seed can be read, so that its MLS leaves sign with the identity key itself and its groups
/// are sealed at rest under a key of it (PROTOCOL.md 4.9).
/// </summary>
internal interface ISeedSigner : ISigner
{
    /// <summary>A copy of the 32-byte Ed25519 seed; the caller wipes it.</summary>
    byte[] ExportSeed();
}
