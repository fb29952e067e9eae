namespace SecureChat.Engine.Session;

/// <summary>Every way a session can fail. Each has one plain-English message (<see cref="SessionFailure"/>).</summary>
public enum FailureReason
{
    ConnectionFailed,
    ListenFailed,
    ConnectionLost,
    HandshakeTimeout,
    ProtocolViolation,
    FrameTooLarge,
    UnsupportedVersion,
    UnsupportedGroup,
    IterationsRejected,
    InvalidPublicKey,
    CommitmentMismatch,
    KeyConfirmationFailed,
    AuthenticationFailed,
    RefusedByPeer,
    ServerBusy,
    PeerTooSlow,
    ServerShuttingDown,
    PassphraseMismatch,
    IdentityRejected,
    IdentityChanged,
    PuzzleRequired,
    IdleTimeout,
    RekeyTooFrequent,
    RateLimited,

    /// <summary>A newer link of this identity to the hub became secure and the hub closed this one (Close 14).</summary>
    Replaced,

    /// <summary>
    /// Server: the peer's unfinished MLS payload (its pending Parts) was among the largest while all links' pending
    /// Parts held the hub's bound spent for its timeout (PROTOCOL.md 4.1.1); Close 8.
    /// </summary>
    PartsStalled,
}
