using SecureChat.Engine.Identity;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;
using SecureChat.Engine.Session.Trust;

namespace SecureChat.Bench;

/// <summary>
/// A real, persistent-style Ed25519 identity for one benchmark process, kept in a fresh temporary configuration
/// directory (mode 0700, deleted on dispose; never the user's own), with the trust checks the app makes (the app's
/// <c>LocalTrust</c>): a client pins the server per host:port on first contact and checks the pin on every later
/// handshake; a server remembers each client identity and its last name. So a handshake here signs, verifies and
/// reads (and, on first contact, writes) the trust files exactly as a user's would. Thread-safe (the files are
/// locked by <see cref="ConfigDirectory"/>).
/// </summary>
internal sealed class BenchIdentity : IDisposable
{
    private readonly string _path;
    private readonly IdentityKey _key;
    private readonly KnownServers _servers;
    private readonly KnownClients _clients;

    private BenchIdentity(string path)
    {
        _path = path;
        ConfigDirectory directory = ConfigDirectory.OpenPath(path);
        _key = IdentityKey.LoadOrCreate(directory);
        _servers = new KnownServers(directory);
        _clients = new KnownClients(directory);
    }

    /// <summary>The identity's display fingerprint.</summary>
    public string Fingerprint => _key.Fingerprint;

    public static BenchIdentity Create() => new(Directory.CreateTempSubdirectory("securechat-bench-").FullName);

    /// <summary>A client's options with this identity and trust on first use of the server (refusing a changed one).</summary>
    public ChatOptions ForClient(ChatOptions options) => options with { Identity = _key, CheckPeerIdentity = CheckServer };

    /// <summary>A server's options with this identity; every client identity is remembered with its last name.</summary>
    public ChatOptions ForServer(ChatOptions options) => options with
    {
        Identity = _key,
        CheckPeerIdentity = (_, peer) => _clients.Judge(peer),
    };

    public void Dispose()
    {
        _key.Dispose();
        try
        {
            Directory.Delete(_path, recursive: true);
        }
        catch (IOException)
        {
            // Left in the temporary directory; nothing secret outlives the run but a throwaway key.
        }
    }

    private IdentityVerdict CheckServer(string endpoint, PeerIdentity peer)
    {
        // As the app does: read the pins; pin on first contact; refuse a changed identity.
        TrustCheck check = _servers.Check(endpoint, peer.PublicKey);
        if (check.State == TrustState.New)
        {
            check = _servers.Pin(endpoint, peer.PublicKey);
        }

        return check.State == TrustState.Changed ? IdentityVerdict.Refuse("the server's identity changed") : IdentityVerdict.Accept(check.State);
    }
}
