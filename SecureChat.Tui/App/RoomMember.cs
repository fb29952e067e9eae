namespace SecureChat.Tui.App;

/// <summary>One person in a room as the hub announced them: name (made safe), identity fingerprint, and flags. Immutable.</summary>
internal sealed record RoomMember(string Name, string? Identity, bool Operator = false, bool Muted = false);
