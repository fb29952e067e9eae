using SecureChat.Engine.Identity;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Session;

/// <summary>What a <see cref="SecureSession"/> reports to its driver, in order, after each call.</summary>
internal abstract record SessionEvent;

internal sealed record StageChangedEvent(SessionStage Stage) : SessionEvent;

/// <summary>Keys confirmed by both sides (Secure reached for the first time).</summary>
internal sealed record EstablishedEvent(string Fingerprint, string Sas, PeerIdentity Peer, TrustState Trust) : SessionEvent;

/// <summary>A rekey completed; the fingerprint and SAS are those of the new keys.</summary>
internal sealed record RekeyedEvent(string Fingerprint, string Sas) : SessionEvent;

/// <param name="Undelivered">Peer's Close only: how many of the chat messages this side sent the peer never received.</param>
internal sealed record ClosedEvent(bool ByPeer, AlertCode Code, int Undelivered = 0) : SessionEvent;

internal sealed record FailedEvent(SessionFailure Failure) : SessionEvent;
