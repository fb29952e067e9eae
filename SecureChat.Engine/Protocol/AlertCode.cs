namespace SecureChat.Engine.Protocol;

/// <summary>
/// Why a handshake was refused (the Alert frame's code, sent in the clear before keys exist), or why a
/// secure session was closed (the Close record's code). Deliberately coarse: it tells an attacker nothing
/// beyond what the failure itself shows.
/// </summary>
public enum AlertCode : byte
{
    /// <summary>Close record only: the user left.</summary>
    Normal = 0,
    UnsupportedVersion = 1,
    UnsupportedGroup = 2,
    /// <summary>Detail: the sender's minimum iteration count.</summary>
    IterationsRejected = 3,
    HandshakeFailed = 4,
    KeyConfirmationFailed = 5,
    Timeout = 6,
    ServerBusy = 7,
    ProtocolError = 8,
    ServerShuttingDown = 9,
    /// <summary>The two sides disagree on whether a passphrase is used. Detail: 1 when the sender uses one, else 0.</summary>
    PassphraseMismatch = 10,
    /// <summary>The peer's identity signature did not verify (or its identity was refused).</summary>
    IdentityRejected = 11,
    /// <summary>Close record only: the peer fell silent for longer than the idle limit.</summary>
    IdleTimeout = 12,
    /// <summary>Too many handshakes from the sender's address; try later.</summary>
    RateLimited = 13,
    /// <summary>Close record only, hub to client: a newer link of the same identity became secure and this one ends.</summary>
    Replaced = 14,
}
