namespace SecureChat.Engine.Mls.Messages;

/// <summary>LeafNodeSource (RFC 9420 section 7.2): where a leaf node came from; closed.</summary>
internal enum LeafNodeSource : byte
{
    KeyPackage = 1,
    Update = 2,
    Commit = 3,
}
