using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session.Trust;

namespace SecureChat.Engine.Session.Handshake;

/// <summary>The outcome of checking a peer's auth message: a refusal, or who it is and how far it is trusted.</summary>
internal sealed record AuthCheck(HandshakeFailed? Refusal, PeerIdentity? Identity, byte[] Signed, TrustState Trust)
{
    public static AuthCheck Refused(FailureReason reason, AlertCode? alert, string? detail = null) =>
        new(new HandshakeFailed(SessionFailure.Create(reason, detail), alert, 0), null, [], TrustState.New);
}
