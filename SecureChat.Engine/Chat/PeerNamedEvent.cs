using SecureChat.Engine.Session;

namespace SecureChat.Engine.Chat;

/// <summary>The peer announced (or changed) its display name.</summary>
internal sealed record PeerNamedEvent(string Name) : SessionEvent;
