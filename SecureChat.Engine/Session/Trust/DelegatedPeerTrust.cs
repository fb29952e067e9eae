namespace SecureChat.Engine.Session.Trust;

/// <summary>A trust decision given as a function (a link binds it to where its peer is). As thread-safe as the function.</summary>
internal sealed class DelegatedPeerTrust(Func<PeerIdentity, IdentityVerdict> judge) : IPeerTrust
{
    public IdentityVerdict Judge(PeerIdentity peer) => judge(peer);
}
