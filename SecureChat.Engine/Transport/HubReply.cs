namespace SecureChat.Engine.Transport;

/// <summary>
/// The hub answered something this side sent: <see cref="Op"/> is the request it answers (null for a direct or room
/// message: then <see cref="ForDirect"/> says which), <see cref="Name"/> and <see cref="Identity"/> the person it is
/// about (a direct message's recipient), <see cref="Text"/> what the hub added. Immutable.
/// </summary>
public sealed record HubReply(
    ReplyCode Code,
    RoomOp? Op,
    bool ForDirect,
    string Room,
    string Name,
    string? Identity,
    string Text,
    PeerInfo Via);
