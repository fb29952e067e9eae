using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;
using SecureChat.Engine.Session.Trust;

namespace SecureChat.Tui.App;

/// <summary>
/// The model's table of links, fed with the snapshots the engine's events carry, and the status made from it: a
/// client's one link (kept after it ended, so its last stage shows) or a server's current peers. The key hash comes
/// from the same snapshots as the stage (a link's fingerprint is set once it is secure), so the two always agree.
/// Not thread-safe: the model holds its lock.
/// </summary>
internal sealed class LinkTable(bool isServer)
{
    private readonly SortedDictionary<int, PeerInfo> _peers = [];
    private readonly HashSet<string> _verified = [];
    private readonly HashSet<int> _announced = [];
    private PeerInfo? _client;
    private bool _identityRefused;

    /// <summary>A client's link as last seen (also after it ended), or null before the first; null on a server.</summary>
    public PeerInfo? Client => _client;

    /// <summary>A server has had a client's keys confirmed since it started (so "no client yet" is no longer true).</summary>
    public bool HadSecurePeer { get; private set; }

    /// <summary>A client refused its server's changed identity: the status says so from now on.</summary>
    public void IdentityRefused() => _identityRefused = true;

    /// <summary>The user verified this identity during the session (<c>/verify</c>): later snapshots show it so.</summary>
    public void MarkVerified(string identity) => _verified.Add(identity);

    /// <summary>
    /// Records a link's latest snapshot; true the first time the link is worth announcing: a client's once its TCP
    /// connection is up, a server's once its client's hello was accepted. A server's connection that ends at its
    /// hello (answered with a puzzle, refused as busy) or before it (a scanner) is never announced as opened: the
    /// line that says how it ended, if any, names its address.
    /// </summary>
    public bool Update(PeerInfo link)
    {
        if (link.Identity is { } identity && _verified.Contains(identity))
        {
            link = link with { Trust = TrustState.Verified };
        }

        if (isServer)
        {
            _peers[link.Id] = link;
            return link.Stage is not (SessionStage.Connected or SessionStage.Closed or SessionStage.Failed) && _announced.Add(link.Id);
        }

        bool isNew = _client?.Id != link.Id;
        _client = link;
        return isNew && link.Stage != SessionStage.Connecting;
    }

    /// <summary>A link got keys (established or rekeyed).</summary>
    public void Keyed(PeerInfo link)
    {
        HadSecurePeer = true;
        Update(link);
    }

    /// <summary>
    /// A link closed or failed (<paramref name="stage"/>): a server forgets it; a client keeps it to show how it
    /// ended, in that stage whatever stage its last snapshot had.
    /// </summary>
    public void Ended(PeerInfo link, SessionStage stage)
    {
        link = link.IsEnded ? link : link with { Stage = stage };
        if (isServer)
        {
            _peers.Remove(link.Id);
            _announced.Remove(link.Id);
        }
        else
        {
            _client = link;
        }
    }

    /// <summary>
    /// How far an identity is trusted when one of this side's own links proved it (a server's client, a client's
    /// server, whose operator it is): its trust word; else "relayed" (only the hub vouches for it).
    /// </summary>
    public string TrustOf(string identity)
    {
        PeerInfo? link = isServer ? _peers.Values.FirstOrDefault(p => p.Identity == identity) : _client is { } c && c.Identity == identity ? c : null;
        return link is null ? "relayed" : _verified.Contains(identity) ? ChatWords.TrustWord(TrustState.Verified) : ChatWords.TrustWord(link.Trust);
    }

    /// <summary>The status for this table, with <paramref name="name"/> as this side's own name.</summary>
    public ChatStatus Status(string name) => (isServer ? ServerStatus() : ClientStatus()) with { Name = name };

    /// <summary>Before the engine's first event a client is about to connect: that is its first stage.</summary>
    private ChatStatus ClientStatus() =>
        _identityRefused ? new ChatStatus("refused", null, _client is { } server ? "peer " + StageWords.Address(server.RemoteEndPoint) : "no peer", Trust: ChatWords.TrustWord(TrustState.Changed))
        : _client is not { } link ? new ChatStatus(StageWords.Describe(SessionStage.Connecting), null, "no peer")
        : new ChatStatus(StageWords.Describe(link), link.IsSecure ? link.Fingerprint : null, "peer " + StageWords.Address(link.RemoteEndPoint), Trust: TrustOf(link), Identity: IdentityOf(link), Ended: link.IsEnded);

    private static string? TrustOf(PeerInfo link) => link.IsSecure && link.Identity is not null ? ChatWords.TrustWord(link.Trust) : null;

    private static string? IdentityOf(PeerInfo link) => link.IsSecure ? link.Identity : null;

    /// <summary>
    /// The newest handshake's stage while one runs (so a joining client can be followed), as "joining: ..." since it
    /// is not the stage of the peer whose key is shown; else rekeying, secure or listening; the key hash, identity
    /// and trust only when exactly one peer is secure (several peers have one key each: /fingerprint lists them),
    /// all three that peer's, so a departed peer's key is never shown; the number of secure peers.
    /// </summary>
    private ChatStatus ServerStatus()
    {
        PeerInfo? handshaking = _peers.Values.LastOrDefault(p => p.IsHandshaking);
        string stage = handshaking is not null ? "joining: " + StageWords.Describe(handshaking.Stage)
            : _peers.Values.Any(p => p.Stage == SessionStage.Rekeying) ? "rekeying"
            : _peers.Values.Any(p => p.Stage == SessionStage.Secure) ? "secure"
            : "listening";
        PeerInfo[] secure = [.. _peers.Values.Where(p => p.IsSecure)];
        return secure.Length == 1
            ? new ChatStatus(stage, secure[0].Fingerprint, "1 peer", Trust: TrustOf(secure[0]), Identity: IdentityOf(secure[0]))
            : new ChatStatus(stage, null, $"{secure.Length} peers", SeveralKeys: secure.Length > 1);
    }
}
