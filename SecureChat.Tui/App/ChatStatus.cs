namespace SecureChat.Tui.App;

/// <summary>
/// What the status bar (and the full screen's title) shows: the handshake stage, the key hash (null when no link
/// is secure, or when a server has several secure peers, each with its own key: then <see cref="SeveralKeys"/>),
/// the peer (a client's server, or a server's number of secure peers), this side's own name, and how far the peer
/// whose key is shown is trusted (new, known, verified), and that peer's identity fingerprint (the trust word is about
/// it). On a server the stage of a joining client's handshake reads "joining: ...", so it is never taken for the stage
/// of the secure peer whose key is shown. <see cref="Ended"/>: a client's link has closed or failed, so no key is coming. Immutable.
/// </summary>
internal sealed record ChatStatus(string Stage, string? KeyHash, string Peer, string Name = "", bool SeveralKeys = false, string? Trust = null, string? Identity = null, bool Ended = false)
{
    /// <summary>A client's secure link's lag as the bar shows it after the peer: <c>lag 12 ms</c>, or <c>lag ?</c> when the last probe went unanswered; null when none is known.</summary>
    public string? Lag { get; init; }

    /// <summary>A warning the bar shows before everything else while it holds (a member's identity changed); null when none.</summary>
    public string? Alert { get; init; }
}
