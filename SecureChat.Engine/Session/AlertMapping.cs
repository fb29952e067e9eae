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
        _ => AlertCode.ProtocolError,
    };

    /// <summary>What an Alert from the peer means for this side, in words the user can act on.</summary>
    public static SessionFailure FailureFor(AlertMessage alert) => alert.Code switch
    {
        AlertCode.UnsupportedVersion => SessionFailure.Create(FailureReason.UnsupportedVersion),
        AlertCode.UnsupportedGroup => SessionFailure.Create(
            FailureReason.UnsupportedGroup,
            alert.Detail is > 0 and <= ushort.MaxValue && DhGroup.TryGet((DhGroupId)alert.Detail, out DhGroup g)
                ? $"the peer requires {g.Name} or larger; start with --group {g.Name}"
                : "the peer refused every group offered"),
        AlertCode.IterationsRejected => SessionFailure.Create(FailureReason.IterationsRejected, $"the peer requires at least {alert.Detail} PBKDF2 iterations; start with --iterations {alert.Detail}"),
        AlertCode.KeyConfirmationFailed => SessionFailure.Create(FailureReason.KeyConfirmationFailed),
        AlertCode.ServerBusy => SessionFailure.Create(FailureReason.ServerBusy),
        AlertCode.Timeout => SessionFailure.Create(FailureReason.HandshakeTimeout, "the peer gave up waiting"),
        AlertCode.ServerShuttingDown => SessionFailure.Create(FailureReason.ServerShuttingDown),
        AlertCode.PassphraseMismatch => SessionFailure.Create(
            FailureReason.PassphraseMismatch,
            alert.Detail == 1 ? "the peer requires a passphrase" : "the peer uses no passphrase"),
        AlertCode.IdentityRejected => SessionFailure.Create(FailureReason.IdentityRejected, "the peer refused this side's identity"),
        AlertCode.RateLimited => SessionFailure.Create(FailureReason.RateLimited),
        _ => SessionFailure.Create(FailureReason.RefusedByPeer, "it reported a handshake failure"),
    };
}
