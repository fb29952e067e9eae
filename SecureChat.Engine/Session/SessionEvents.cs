using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Session;

/// <summary>What a <see cref="ChatSession"/> reports to its driver, in order, after each call.</summary>
internal abstract record SessionEvent;

internal sealed record StageChangedEvent(SessionStage Stage) : SessionEvent;

/// <summary>Keys confirmed by both sides (Secure reached for the first time).</summary>
internal sealed record EstablishedEvent(string Fingerprint, string Sas) : SessionEvent;

/// <summary>A rekey completed; the fingerprint and SAS are those of the new keys.</summary>
internal sealed record RekeyedEvent(string Fingerprint, string Sas) : SessionEvent;

internal sealed record MessageReceivedEvent(string Sender, string Text) : SessionEvent;

/// <summary>The peer announced (or changed) its display name.</summary>
internal sealed record PeerNamedEvent(string Name) : SessionEvent;

/// <summary>The hub announced another peer joining, leaving or being renamed.</summary>
internal sealed record PresenceEvent(PresenceKind Kind, string Name, string NewName) : SessionEvent;

internal sealed record ClosedEvent(bool ByPeer, AlertCode Code) : SessionEvent;

internal sealed record FailedEvent(SessionFailure Failure) : SessionEvent;
