using SecureChat.Engine.Session.Trust;

namespace SecureChat.Engine.Session;

/// <summary>Keys confirmed by both sides (Secure reached for the first time).</summary>
internal sealed record EstablishedEvent(string Fingerprint, string Sas, PeerIdentity Peer, TrustState Trust) : SessionEvent;
