namespace SecureChat.Engine.Session;

/// <summary>A rekey completed; the fingerprint and SAS are those of the new keys.</summary>
internal sealed record RekeyedEvent(string Fingerprint, string Sas) : SessionEvent;
