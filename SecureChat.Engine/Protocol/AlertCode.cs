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
}
