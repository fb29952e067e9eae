using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;

namespace SecureChat.Engine.Chat;

/// <summary>
/// The hub announced someone entering or leaving a room (<see cref="Room"/> set: Joined, Member, Parted), leaving the
/// hub or being renamed (no room), or this side's own name (You, Refused). <see cref="Flags"/>: bit 0 room operator,
/// bit 1 muted (Joined, Member). <see cref="Text"/>: the new name (Renamed) or the reason (Parted).
/// </summary>
internal sealed record PresenceEvent(PresenceKind Kind, string Room, byte[] Digest, string Name, byte Flags, string Text) : SessionEvent
{
    /// <summary>Renamed: the new name (the text); empty for every other kind.</summary>
    public string NewName => Kind == PresenceKind.Renamed ? Text : string.Empty;
}
