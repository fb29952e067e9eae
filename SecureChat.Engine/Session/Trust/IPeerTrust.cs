namespace SecureChat.Engine.Session.Trust;

/// <summary>
/// The trust decision a session asks for once the peer proved its identity key (signature and key confirmation
/// checked), before this side sends anything more: accept, with the trust to show, or refuse. The session defines it
/// and stays free of file I/O; a trust store (the config directory's known clients or servers) implements it.
/// Called on the session's thread; an implementation shared between sessions must be thread-safe.
/// </summary>
public interface IPeerTrust
{
    IdentityVerdict Judge(PeerIdentity peer);
}
