namespace SecureChat.Engine.Transport;

/// <summary>
/// A chat message that arrived. <see cref="Sender"/> is the name the hub vouches for (on a server: the
/// sending link's name; on a client: the operator's name, or the name in a relayed record). <see cref="Via"/> is the
/// link it came on.
/// </summary>
public sealed record ChatMessage(string Sender, string Text, DateTimeOffset ReceivedAt, PeerInfo Via)
{
    /// <summary>The sender's identity fingerprint: proved in the handshake, or vouched for by the hub when relayed.</summary>
    public string? SenderIdentity { get; init; }

    /// <summary>Client: the whole 32-byte identity digest behind <see cref="SenderIdentity"/> (for safety numbers).</summary>
    public byte[]? SenderDigest { get; init; }

    /// <summary>Client: true when the hub relayed another member's message, false when the operator wrote it.</summary>
    public bool Relayed { get; init; }

    /// <summary>The room it was said in (as the hub spells it); null for a direct message.</summary>
    public string? Room { get; init; }

    /// <summary>A direct message to this side (routed by identity), not a room message.</summary>
    public bool Direct { get; init; }
}
