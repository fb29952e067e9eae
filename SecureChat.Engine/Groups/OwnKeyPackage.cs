using SecureChat.Engine.Mls.Group;
using SecureChat.Engine.Mls.Messages;

namespace SecureChat.Engine.Groups;

/// <summary>One of this member's key packages with its private keys, and whether it is a last resort one.</summary>
internal sealed record OwnKeyPackage(KeyPackage KeyPackage, KeyPackageSecrets Secrets, bool LastResort);
