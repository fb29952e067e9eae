using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Transport;

/// <summary>
/// Someone joined, left or was renamed. On a server, <see cref="Peer"/> is that peer's link; on a client it is
/// the link to the server (the notice came from the hub, or is about the server itself).
/// </summary>
public sealed record PresenceNotice(PresenceKind Kind, string Name, string NewName, PeerInfo Peer)
{
    /// <summary>The identity fingerprint of the person the notice is about, when known.</summary>
    public string? Identity { get; init; }

    /// <summary>The whole 32-byte identity digest behind <see cref="Identity"/> (for safety numbers), when known.</summary>
    public byte[]? IdentityDigest { get; init; }

    /// <summary>
    /// Client: the notice is about the server's operator, proved in the handshake (not a member the hub announced):
    /// the first notice a client gets, once its link is secure.
    /// </summary>
    public bool Operator { get; init; }

    /// <summary>The room the notice is about (joined, member, parted); null for one about the hub (left, renamed, you).</summary>
    public string? Room { get; init; }

    /// <summary>Parted: the reason given (may be empty).</summary>
    public string Text { get; init; } = string.Empty;

    /// <summary>Joined, Member: the person is an operator of the room.</summary>
    public bool RoomOperator { get; init; }

    /// <summary>Joined, Member: the person is muted in the room.</summary>
    public bool Muted { get; init; }
}
