namespace SecureChat.Tui.App;

/// <summary>
/// What the status bar (and the full screen's title) shows: the handshake stage, the key hash (null when no link
/// is secure, or when a server has several secure peers, each with its own key: then <see cref="SeveralKeys"/>),
/// the peer (a client's server, or a server's number of secure peers), this side's own name, and how far the peer
/// whose key is shown is trusted (new, known, verified). Immutable.
/// </summary>
internal sealed record ChatStatus(string Stage, string? KeyHash, string Peer, string Name = "", bool SeveralKeys = false, string? Trust = null);
