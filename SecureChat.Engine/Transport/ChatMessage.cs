namespace SecureChat.Engine.Transport;

/// <summary>
/// A chat message that arrived. <see cref="Sender"/> is the name the hub vouches for (on a server: the
/// sending link's name; on a client: the name in the server's record). <see cref="Via"/> is the link it came on.
/// </summary>
public sealed record ChatMessage(string Sender, string Text, DateTimeOffset ReceivedAt, PeerInfo Via);
