using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;

namespace SecureChat.Engine.Chat;

/// <summary>A chat message arrived (the sender's name is as the record gives it; empty for "the peer itself").</summary>
internal sealed record MessageReceivedEvent(string Sender, string Text) : SessionEvent;

/// <summary>The peer announced (or changed) its display name.</summary>
internal sealed record PeerNamedEvent(string Name) : SessionEvent;

/// <summary>The hub announced another peer joining, leaving or being renamed.</summary>
internal sealed record PresenceEvent(PresenceKind Kind, string Name, string NewName) : SessionEvent;
