namespace SecureChat.Tui.App;

/// <summary>
/// What the status bar shows: the handshake stage, the key hash (null before any link is secure) and the peer
/// (a client's server, or a server's number of secure peers). Immutable.
/// </summary>
internal sealed record ChatStatus(string Stage, string? KeyHash, string Peer);
