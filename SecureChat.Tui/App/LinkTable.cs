using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

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
    private PeerInfo? _client;
    private int _lastKeyed = -1;

    /// <summary>Records a link's latest snapshot; true the first time a link is seen with its TCP connection up.</summary>
    public bool Update(PeerInfo link)
    {
        bool isNew;
        if (isServer)
        {
            isNew = _peers.TryAdd(link.Id, link);
            _peers[link.Id] = link;
        }
        else
        {
            isNew = _client?.Id != link.Id;
            _client = link;
        }

        return isNew && link.Stage != SessionStage.Connecting;
    }

    /// <summary>A link got keys (established or rekeyed): a server shows this link's key hash.</summary>
    public void Keyed(PeerInfo link)
    {
        Update(link);
        _lastKeyed = link.Id;
    }

    /// <summary>A link closed or failed: a server forgets it; a client keeps it to show how it ended.</summary>
    public void Ended(PeerInfo link)
    {
        if (isServer)
        {
            _peers.Remove(link.Id);
        }
        else
        {
            _client = link;
        }
    }

    public ChatStatus Status() => isServer ? ServerStatus() : ClientStatus();

    private ChatStatus ClientStatus() => _client is not { } link
        ? new ChatStatus("starting", null, "no peer")
        : new ChatStatus(StageWords.Describe(link.Stage), link.Fingerprint, "peer " + StageWords.Address(link.RemoteEndPoint));

    /// <summary>
    /// The newest handshake's stage while one runs (so a joining client can be followed), else rekeying, secure or
    /// listening; the key hash of the link keyed last (or of the newest secure one); the number of secure peers.
    /// </summary>
    private ChatStatus ServerStatus()
    {
        PeerInfo? handshaking = _peers.Values.LastOrDefault(p => p.IsHandshaking);
        string stage = handshaking is not null ? StageWords.Describe(handshaking.Stage)
            : _peers.Values.Any(p => p.Stage == SessionStage.Rekeying) ? "rekeying"
            : _peers.Values.Any(p => p.Stage == SessionStage.Secure) ? "secure"
            : "listening";
        PeerInfo[] secure = [.. _peers.Values.Where(p => p.IsSecure)];
        PeerInfo? keyed = _peers.TryGetValue(_lastKeyed, out PeerInfo? last) && last.IsSecure ? last : secure.LastOrDefault();
        return new ChatStatus(stage, keyed?.Fingerprint, secure.Length == 1 ? "1 peer" : $"{secure.Length} peers");
    }
}
