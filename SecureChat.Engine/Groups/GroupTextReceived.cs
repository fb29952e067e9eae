using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Groups;

/// <summary>A text decrypted from a GroupRelay whose sender leaf carries the identity the hub named. Immutable.</summary>
internal sealed record GroupTextReceived(GroupTarget Target, byte[] SenderDigest, string SenderName, string Text);
