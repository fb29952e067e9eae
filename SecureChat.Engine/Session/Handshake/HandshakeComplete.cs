using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session.Trust;

namespace SecureChat.Engine.Session.Handshake;

/// <summary>
/// Terminal: both sides proved they hold the keys (already in the record layer) and who they are: the session is
/// secure with <see cref="Peer"/>, trusted as <see cref="Trust"/>.
/// </summary>
internal sealed class HandshakeComplete(PeerIdentity peer, TrustState trust) : HandshakeState
{
    public PeerIdentity Peer { get; } = peer;

    public TrustState Trust { get; } = trust;

    public override SessionStage Stage => SessionStage.Secure;

    public override FrameType? Expected => null;
}
