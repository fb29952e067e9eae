using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;

namespace SecureChat.Engine.Chat;

/// <summary>
/// A chat message arrived: from the peer itself (Chat: empty sender, no digest) or relayed by the hub (Relay: the
/// sender's name and identity digest, as the hub vouches for them).
/// </summary>
internal sealed record MessageReceivedEvent(string Sender, string Text, byte[]? SenderDigest) : SessionEvent;

/// <summary>The peer announced (or changed) its display name.</summary>
internal sealed record PeerNamedEvent(string Name) : SessionEvent;

/// <summary>The hub announced another peer joining, leaving, being renamed or already there, or this side's own name.</summary>
internal sealed record PresenceEvent(PresenceKind Kind, byte[] Digest, string Name, string NewName) : SessionEvent;
