using SecureChat.Engine.Session;

namespace SecureChat.Engine.Chat;

/// <summary>
/// A chat message arrived: from the peer itself (Chat: empty sender, no digest) or relayed by the hub (Relay: the
/// sender's name and identity digest, as the hub vouches for them).
/// </summary>
internal sealed record MessageReceivedEvent(string Sender, string Text, byte[]? SenderDigest) : SessionEvent;
