namespace SecureChat.Engine.Protocol;

/// <summary>
/// One joiner of a GroupTask (PROTOCOL.md 4.1): <c>digest || str8 name (1-64) || u32 n || n bytes</c>, an identity the
/// designated member is to add, under its name, with the key package (an MLSMessage, opaque here) the hub chose for
/// it. Immutable.
/// </summary>
internal readonly record struct GroupTaskJoiner(byte[] Digest, string Name, byte[] KeyPackage);
