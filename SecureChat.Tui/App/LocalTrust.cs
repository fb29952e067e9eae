using SecureChat.Engine.Chat;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Hub;
using SecureChat.Engine.Identity;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;
using SecureChat.Engine.Session.Trust;
using SecureChat.Tui.CommandLine;

namespace SecureChat.Tui.App;

/// <summary>
/// This user's identity and the identities they trust, kept in the configuration directory (<c>--config-dir</c>):
/// the Ed25519 identity key that signs every handshake, the servers pinned per host:port (trust on first use, then
/// known, then verified with <c>/verify</c>; a changed identity is refused before anything is sent unless the user
/// accepts exactly its fingerprint with <c>--accept-identity</c>), and on a server the clients it has seen and the
/// names their identities own, and its room bans. Thread-safe: the engine asks from network threads; the files are locked and
/// rewritten atomically by <see cref="ConfigDirectory"/> (names, clients and bans kept in memory and written behind).
/// </summary>
internal sealed class LocalTrust : IDisposable
{
    private readonly KnownServers _servers;
    private readonly KnownClients _clients;
    private readonly NameRegistry _names;
    private readonly RoomBanFile _bans;
    private readonly string? _acceptIdentity;
    private IReadOnlyList<string>? _serverNames;

    /// <summary>The --accept-identity value as given (shown back when it does not match).</summary>
    private readonly string? _givenAccept;

    private LocalTrust(ConfigDirectory directory, IdentityKey identity, string? acceptIdentity)
    {
        Directory = directory;
        Identity = identity;
        _servers = new KnownServers(directory);
        _clients = new KnownClients(directory);
        _names = new NameRegistry(directory, NameRules.ComparisonKey);
        _bans = new RoomBanFile(directory);
        _acceptIdentity = acceptIdentity is null ? null : Canonical(acceptIdentity);
        _givenAccept = acceptIdentity;
    }

    public ConfigDirectory Directory { get; }

    public IdentityKey Identity { get; }

    /// <summary>
    /// Called with a one-line notice when a server's identity is accepted as known because it is pinned under
    /// another name (another host name, address or port), which is now pinned too.
    /// </summary>
    public Action<string>? Noted { get; set; }

    /// <summary>Set when a server's changed identity was refused (exit code 3).</summary>
    public IdentityRefusal? Refusal { get; private set; }

    /// <summary>
    /// Opens (creating on first run) the configuration directory and the identity key. Throws
    /// <see cref="ConfigFileException"/> or <see cref="IOException"/> with a one-line message when they cannot be
    /// used (for example a key file that others can read).
    /// </summary>
    public static LocalTrust Open(AppSettings settings)
    {
        ConfigDirectory directory = ConfigDirectory.Open(settings.ConfigDir);
        return new LocalTrust(directory, IdentityKey.LoadOrCreate(directory), settings.AcceptIdentity);
    }

    /// <summary>The engine's options with this identity and the trust checks of <paramref name="role"/>.</summary>
    public ChatOptions Apply(ChatOptions options, ChatRole role)
    {
        if (role == ChatRole.Client)
        {
            return options with { Identity = Identity, CheckServerIdentity = CheckServer, GroupDirectory = Directory };
        }

        _names.ReserveOperator(options.Name.Length > 0 ? options.Name : "Server", Identity.PublicKey);
        return options with
        {
            Identity = Identity,
            GroupDirectory = Directory,
            CheckPeerIdentity = (_, peer) => _clients.Judge(peer),
            ClaimName = (requested, key, inUse) => _names.Claim(requested, key, inUse),
            IsNameOwnedByOther = name => _names.OwnerOf(name) is { } owner && !owner.AsSpan().SequenceEqual(Identity.PublicKey),
            OperatorNameTaken = name => _names.ReserveOperator(name, Identity.PublicKey),
            NameOwner = _names.OwnerOf,
            Bans = _bans,
        };
    }

    /// <summary>
    /// Client: the identity fingerprint pinned for the server at <paramref name="host"/>:<paramref name="port"/>, or
    /// null before the first connection to it (the rooms kept for it are entered again on connecting).
    /// </summary>
    public string? PinnedServer(string host, int port)
    {
        try
        {
            return _servers.Pinned(KnownServers.Endpoint(host, port)) is { } key ? IdentityFingerprint.Of(key) : null;
        }
        catch (ArgumentException)
        {
            return null; // not a host name a pin could be kept under
        }
    }

    /// <summary>
    /// <c>/verify</c>: the users compared the SAS out of band, so this peer's identity is marked verified for good.
    /// Returns false when the peer has no identity yet (not secure).
    /// </summary>
    public bool Verify(PeerInfo peer, bool isServer, string serverEndpoint)
    {
        if (peer.IdentityKey is not { } key)
        {
            return false;
        }

        return isServer
            ? _clients.MarkVerified(key, peer.Name)
            : _servers.MarkVerified(Volatile.Read(ref _serverNames) ?? [KnownServers.Endpoint(serverEndpoint)], key);
    }

    /// <summary>Writes what the stores still hold for the disk (names and clients are written behind, see <see cref="NameRegistry"/>), then wipes the key.</summary>
    public void Dispose()
    {
        try
        {
            _names.Flush();
            _clients.Flush();
            _bans.Flush();
        }
        catch (ConfigFileException)
        {
            // Nothing more can be done at exit; the next start reads what reached the disk.
        }
        finally
        {
            Identity.Dispose();
        }
    }

    /// <summary>
    /// Client: trust on first use under every name the server was reached by (as typed, and the address the
    /// connection went to), then known or verified; an identity pinned under another name only is known, said so
    /// and pinned under these names too; a different identity under any of them is refused unless accepted by
    /// fingerprint, which then holds for every name the server was known by.
    /// </summary>
    private IdentityVerdict CheckServer(IReadOnlyList<string> names, PeerIdentity peer)
    {
        Volatile.Write(ref _serverNames, names);
        TrustCheck check = _servers.Pin(names, peer.PublicKey);
        string endpoint = names[0];
        switch (check.State)
        {
            case TrustState.Changed when _acceptIdentity is not null && _acceptIdentity == Canonical(peer.Fingerprint):
                _servers.Replace(names, peer.PublicKey);
                return IdentityVerdict.Accept(TrustState.New);
            case TrustState.Changed:
                var refusal = new IdentityRefusal(check.PinnedAs ?? endpoint, check.PinnedFingerprint ?? "?", check.FirstSeen, peer.Fingerprint) { GivenAccept = _givenAccept };
                Refusal = refusal;
                return IdentityVerdict.Refuse(refusal.Summary);
            default:
                if (check.PinnedAs is { } other)
                {
                    Noted?.Invoke($"this server's identity is pinned as {other}; it is now pinned as {string.Join(" and ", names)} too");
                }

                return IdentityVerdict.Accept(check.State);
        }
    }

    /// <summary>A fingerprint as typed or shown, without spaces or case: "9a1b 7bcf ..." and "9A1B7BCF..." are the same.</summary>
    private static string Canonical(string fingerprint) =>
        string.Concat(fingerprint.Where(c => !char.IsWhiteSpace(c))).ToUpperInvariant();
}
