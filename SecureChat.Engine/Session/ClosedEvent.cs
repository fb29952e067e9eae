using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Session;

/// <param name="Undelivered">Peer's Close only: how many of the chat messages this side sent the peer never received.</param>
internal sealed record ClosedEvent(bool ByPeer, AlertCode Code, int Undelivered = 0) : SessionEvent;
