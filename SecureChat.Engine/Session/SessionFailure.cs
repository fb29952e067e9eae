namespace SecureChat.Engine.Session;

/// <summary>
/// Why a session failed, with one line a person can act on. Messages never contain key material,
/// plaintext, or anything the peer could use to learn how its forgery failed.
/// </summary>
public sealed record SessionFailure(FailureReason Reason, string Message)
{
    public override string ToString() => Message;

    internal static SessionFailure Create(FailureReason reason, string? detail = null)
    {
        string message = reason switch
        {
            FailureReason.ConnectionFailed => $"could not connect to {detail}",
            FailureReason.ListenFailed => $"could not listen on {detail}",
            FailureReason.ConnectionLost => $"the connection was lost{Suffix(detail)}",
            FailureReason.HandshakeTimeout => $"the handshake did not finish in time{Suffix(detail)}: connection closed",
            FailureReason.ProtocolViolation => $"the peer sent a malformed or unexpected message{Suffix(detail)}: connection closed",
            FailureReason.FrameTooLarge => "the peer declared a message larger than the protocol allows: connection closed",
            FailureReason.UnsupportedVersion => detail ?? "the peer offers no protocol version we support: connection closed",
            FailureReason.UnsupportedGroup => $"no Diffie-Hellman group acceptable to both sides{Suffix(detail)}: connection closed",
            FailureReason.IterationsRejected => $"PBKDF2 iteration count refused{Suffix(detail)}: connection closed",
            FailureReason.InvalidPublicKey => "the peer's key failed validation: connection closed",
            FailureReason.CommitmentMismatch => "the peer's key does not match the commitment it sent first (someone may be in the middle): connection closed",
            FailureReason.KeyConfirmationFailed => "key confirmation failed: the passphrases differ or someone is in the middle: connection closed",
            FailureReason.AuthenticationFailed => "message authentication failed: connection closed (the data was altered in transit)",
            FailureReason.RefusedByPeer => $"the peer refused the connection{Suffix(detail)}",
            FailureReason.ServerBusy => "the server is busy with other handshakes; try again in a moment",
            FailureReason.PeerTooSlow => "the peer is not reading its messages: connection closed",
            FailureReason.ServerShuttingDown => "the server is shutting down",
            FailureReason.PassphraseMismatch => $"one side uses a passphrase and the other does not{Suffix(detail)}: connection closed",
            FailureReason.IdentityRejected => $"the peer's identity could not be verified{Suffix(detail)}: connection closed",
            FailureReason.IdentityChanged => detail ?? "the peer's identity changed: connection refused",
            FailureReason.PuzzleRequired => $"the server is under load and asked for a proof of work{Suffix(detail)}",
            FailureReason.IdleTimeout => "the peer sent nothing for too long: connection closed (timed out)",
            FailureReason.RekeyTooFrequent => "the peer asked for new keys too often: connection closed",
            FailureReason.RateLimited => "too many connections from this address; try again in a moment",
            FailureReason.PartsStalled => $"the peer started an MLS payload and held the hub's room for unfinished payloads without finishing it{Suffix(detail)}: connection closed",
            FailureReason.Replaced => "this identity connected to the hub from elsewhere, which closed this connection (the identity is in use elsewhere)",
            _ => "the session failed",
        };
        return new SessionFailure(reason, message);
    }

    private static string Suffix(string? detail) => string.IsNullOrEmpty(detail) ? string.Empty : " (" + detail + ")";
}
