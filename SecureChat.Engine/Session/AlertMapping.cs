using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Session;

/// <summary>
/// Failure reasons and the alert codes that carry them (PROTOCOL.md, "Alert"), both ways, in one table. Pure and
/// thread-safe.
/// </summary>
internal static class AlertMapping
{
    /// <summary>
    /// The code that tells the peer why this side ends the session for a local reason, or null when the peer cannot
    /// be told (the connection itself is gone).
    /// </summary>
    public static AlertCode? CodeFor(FailureReason reason) => reason switch
    {
        FailureReason.ConnectionLost or FailureReason.ConnectionFailed => null,
        FailureReason.HandshakeTimeout => AlertCode.Timeout,
        FailureReason.ServerBusy => AlertCode.ServerBusy,
        FailureReason.ServerShuttingDown => AlertCode.ServerShuttingDown,
        FailureReason.IdleTimeout => AlertCode.IdleTimeout,
        FailureReason.RateLimited => AlertCode.RateLimited,
        FailureReason.Replaced => AlertCode.Replaced,
        FailureReason.PuzzleRequired => null,
        _ => AlertCode.ProtocolError,
    };

    /// <summary>
    /// What an Alert from the peer means for this side. Alerts are unauthenticated (they only ever arrive before
    /// the session is secure), so their detail never becomes advice: the words say what was refused, not what to do.
    /// </summary>
    public static SessionFailure FailureFor(AlertMessage alert, SessionRole role) => alert.Code switch
    {
        AlertCode.UnsupportedVersion => VersionRefused(role),
        AlertCode.UnsupportedGroup => SessionFailure.Create(FailureReason.UnsupportedGroup, "the peer refused every group offered"),
        AlertCode.IterationsRejected => SessionFailure.Create(FailureReason.IterationsRejected, "the peer refused the PBKDF2 iteration count"),
        AlertCode.PassphraseMismatch => SessionFailure.Create(FailureReason.PassphraseMismatch),
        AlertCode.IdentityRejected => SessionFailure.Create(FailureReason.IdentityRejected, "the peer refused this side's identity"),
        AlertCode.RateLimited => SessionFailure.Create(FailureReason.RateLimited),
        AlertCode.KeyConfirmationFailed => SessionFailure.Create(FailureReason.KeyConfirmationFailed),
        AlertCode.ServerBusy => SessionFailure.Create(FailureReason.ServerBusy),
        AlertCode.Timeout => SessionFailure.Create(FailureReason.HandshakeTimeout, "the peer gave up waiting"),
        AlertCode.ServerShuttingDown => SessionFailure.Create(FailureReason.ServerShuttingDown),
        _ => SessionFailure.Create(FailureReason.RefusedByPeer, "it reported a handshake failure"),
    };

    /// <summary>
    /// The words for a version this side does not speak: a client is told to update one side; a server logs whom
    /// it refused. The same whether this side found out (the peer's hello) or was told (the peer's Alert).
    /// </summary>
    public static SessionFailure VersionRefused(SessionRole role) => SessionFailure.Create(
        FailureReason.UnsupportedVersion,
        role == SessionRole.Client
            ? $"the server speaks another protocol version (this client speaks {WireFormat.Version}): update one of them"
            : $"refused a client that does not speak protocol version {WireFormat.Version}");
}
