using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session.Trust;

namespace SecureChat.Engine.Session.Handshake;

/// <summary>
/// Client: ServerAuth verified and ClientAuth sent; waits for the server's next record (PROTOCOL.md 3.7). Until it
/// opens, the client does not know whether the server accepted its ClientAuth: the server's refusal (a clear Alert 5,
/// 8 or 11) still arrives as an Alert, and this side says "secure" only once a record sealed after ServerAuth opens.
/// The server's own failures reach it as Alerts; its own go out as sealed Close records (the server is secure). The
/// record that completes the handshake is then handled like any other. Holds what the handshake proved, nothing else.
/// </summary>
internal sealed class ExpectServerRecord(PeerIdentity peer, TrustState trust) : HandshakeState
{
    public PeerIdentity Peer { get; } = peer;

    public TrustState Trust { get; } = trust;

    public override SessionStage Stage => SessionStage.Confirming;

    /// <summary>No clear frame: any record of the server's (its MAC checked first) completes the handshake.</summary>
    public override FrameType? Expected => null;
}
