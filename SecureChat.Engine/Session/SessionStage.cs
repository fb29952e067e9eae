namespace SecureChat.Engine.Session;

/// <summary>
/// The observable stages of a session, in the order a successful connection passes through them.
/// <see cref="Closed"/> and <see cref="Failed"/> are terminal.
/// </summary>
public enum SessionStage
{
    /// <summary>Client only: the TCP connection is being opened (set by the transport).</summary>
    Connecting,
    /// <summary>Client only: the server is under load and asked for a proof of work, which is being computed.</summary>
    SolvingPuzzle,
    /// <summary>
    /// Client only: the server refused the connection as busy before its hello; the client waits to connect again
    /// (set by the transport; the snapshot's <c>Retry</c> says which retry and how long the wait is).
    /// </summary>
    WaitingToRetry,
    /// <summary>TCP is up; no handshake message has been exchanged yet.</summary>
    Connected,
    /// <summary>Hellos, commitment and Diffie-Hellman values are being exchanged.</summary>
    ExchangingKeys,
    /// <summary>Both public values are known; PBKDF2 is deriving the master key.</summary>
    DerivingKey,
    /// <summary>Keys are derived; the sealed ServerAuth and ClientAuth that prove both sides' keys and identities are being exchanged.</summary>
    Confirming,
    /// <summary>Keys are confirmed; chat records flow.</summary>
    Secure,
    /// <summary>A rekey (fresh Diffie-Hellman inside the secure channel) is in progress; chat still flows.</summary>
    Rekeying,
    /// <summary>The session ended cleanly (either side sent Close).</summary>
    Closed,
    /// <summary>The session ended on an error; see <see cref="SessionFailure"/>.</summary>
    Failed,
}
