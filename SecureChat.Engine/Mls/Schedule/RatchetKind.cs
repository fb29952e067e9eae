namespace SecureChat.Engine.Mls.Schedule;

/// <summary>The two hash ratchets of each leaf of the secret tree (RFC 9420 section 9.1): handshake content (proposals, commits) and application content.</summary>
internal enum RatchetKind
{
    Handshake,
    Application,
}
