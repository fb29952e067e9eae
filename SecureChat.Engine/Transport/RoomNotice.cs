namespace SecureChat.Engine.Transport;

/// <summary>
/// Something happened in a room: who did it (<see cref="Actor"/>) to whom (<see cref="Target"/>, empty when nobody),
/// with a reason, topic or mode in <see cref="Text"/>; or what the hub told about a room (entered, listed). Names are
/// as the hub sent them: show them through the sanitizer. Immutable.
/// </summary>
public sealed record RoomNotice(
    RoomNoticeKind Kind,
    string Room,
    string Actor,
    string? ActorIdentity,
    string Target,
    string? TargetIdentity,
    string Text,
    PeerInfo Via)
{
    /// <summary>Entered, Listed: the room is invite-only.</summary>
    public bool InviteOnly { get; init; }

    /// <summary>Entered: this side is an operator of the room.</summary>
    public bool Operator { get; init; }

    /// <summary>Entered, Listed: how many are in the room; ListEnd: how many rooms were listed.</summary>
    public long Members { get; init; }

    /// <summary>Entered: the room's MLS group_id (PROTOCOL.md 4.8).</summary>
    internal byte[]? GroupId { get; init; }

    /// <summary>Entered: this side founds the room's group at epoch 0.</summary>
    internal bool Founder { get; init; }
}
