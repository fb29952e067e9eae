using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;

namespace SecureChat.Engine.Chat;

/// <summary>The hub announced another peer joining, leaving, being renamed or already there, or this side's own name.</summary>
internal sealed record PresenceEvent(PresenceKind Kind, byte[] Digest, string Name, string NewName) : SessionEvent;
