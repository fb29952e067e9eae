using SecureChat.Engine.Session;
using System.Collections.Concurrent;
using System.Globalization;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session.Trust;

namespace SecureChat.Engine.Transport;

/// <summary>
/// Who is on the hub: every link, which of them have joined (secure, told their name and the member list, and
/// announced), the names (valid by <see cref="NameRules"/>, owned by identities when the server keeps a registry, and
/// unique among the operator and the joined peers by <see cref="NameRules.Key"/>: no two look alike, whatever their
/// case), and the fan-out of chat and presence to them. Names and
/// joined flags change only under one lock. Thread-safe.
/// </summary>
internal sealed class HubMembership(string ownName, Func<string, byte[], Func<string, bool>, string>? claimName = null)
{
    private readonly ConcurrentDictionary<int, Link> _links = new();
    private readonly HashSet<int> _joined = [];

    /// <summary>Joined peers' names by lookalike key (<see cref="NameRules.Key"/>), so a rename costs one lookup, not one key per peer.</summary>
    private readonly Dictionary<string, int> _keyOwners = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    /// <summary>The joined links as of the last change (rebuilt on the next relay after a join or leave), so a relay neither takes the lock per link nor copies every link.</summary>
    private Link[]? _joinedLinks;
    private string _ownName = ownName;
    private string _ownKey = NameRules.Key(ownName);

    /// <summary>The name of a peer that asked for nothing usable.</summary>
    public const string DefaultPeerName = "Client";

    /// <summary>What changed in a membership operation, to be announced (kind, old name, new name, whose identity); null for nothing.</summary>
    public readonly record struct Change(PresenceKind Kind, string Name, string NewName, byte[] Digest);

    public string OwnName
    {
        get
        {
            lock (_gate)
            {
                return _ownName;
            }
        }
    }

    /// <summary>
    /// Tells every joined peer that the operator (identity <paramref name="digest"/>, link id 0 in the notices'
    /// order) was renamed, as any member's rename is told.
    /// </summary>
    public void AnnounceOperatorRenamed(byte[] digest, string old, string name)
    {
        lock (_gate)
        {
            foreach (Link other in _links.Values)
            {
                if (_joined.Contains(other.Id))
                {
                    other.TryAnnounce(0, PresenceKind.Renamed, digest, old, name);
                }
            }
        }
    }

    /// <summary>Every link, in no particular order.</summary>
    public ICollection<Link> Links => _links.Values;

    public int Count => _links.Count;

    public void Add(Link link) => _links[link.Id] = link;

    public void Remove(Link link) => _links.TryRemove(link.Id, out _);

    /// <summary>The connected peer whose name looks like <paramref name="name"/> (same lookalike key), or null.</summary>
    public string? ConnectedHolder(string name)
    {
        lock (_gate)
        {
            return HolderLocked(NameRules.Key(name), name);
        }
    }

    /// <summary>
    /// Gives the operator a (valid) name unless a joined peer's name looks like it; returns false with that peer's
    /// name. The operator's name is reserved: no peer can take it or a lookalike later.
    /// </summary>
    public bool TrySetOwnName(string name, out string holder)
    {
        lock (_gate)
        {
            string key = NameRules.Key(name);
            if (HolderLocked(key, name) is { } connected)
            {
                holder = connected;
                return false;
            }

            holder = string.Empty;
            _ownName = name;
            _ownKey = key;
            return true;
        }
    }

    /// <summary>Under the lock: the name of the peer holding lookalike key <paramref name="key"/>, or null.</summary>
    private string? HolderLocked(string key, string name) =>
        _keyOwners.TryGetValue(key, out int owner) ? (_links.TryGetValue(owner, out Link? link) ? link.Name : name) : null;

    /// <summary>
    /// A secure peer joins under the name it asked for in the handshake (or the one it gets instead): it is told
    /// its final name and who is already here, before it can receive anything else (relays go to joined peers
    /// only), and the others are told it joined. Returns the Joined change (already announced to the members).
    /// </summary>
    public Change Join(Link link)
    {
        PeerIdentity peer = link.Peer ?? throw new InvalidOperationException("only a secure link joins");
        lock (_gate)
        {
            string name = UniqueLocked(peer.Name, link);
            link.Name = name;
            Link[] members = JoinedLinksLocked(); // before this link is among them
            link.RunIfSecure(chat =>
            {
                chat.SendPresence(PresenceKind.You, string.Empty, peer.Digest, name, 0, string.Empty);
                foreach (Link member in members)
                {
                    chat.SendPresence(PresenceKind.Member, ChatEndpoint.Lobby, member.Peer!.Digest, member.Name, 0, string.Empty);
                }
            }, dispatchLater: true);
            _joined.Add(link.Id);
            _joinedLinks = null;
            var joined = new Change(PresenceKind.Joined, name, string.Empty, peer.Digest);

            // Announced under the same lock: a member joining at the same moment is either in the list above or
            // told of this join below, never both and never neither.
            AnnounceLocked(link, joined);
            return joined;
        }
    }

    /// <summary>A joined peer asks for another name: it gets it, or another if taken, and is told which; the others are told; returns Renamed, or null.</summary>
    public Change? Rename(Link link, string requested)
    {
        lock (_gate)
        {
            if (!_joined.Contains(link.Id) || link.Peer is not { } peer)
            {
                return null;
            }

            string old = link.Name;
            ForgetKeyLocked(link);
            string unique = UniqueLocked(requested, link);
            link.Name = unique;
            link.TryAnnounce(link.Id, PresenceKind.You, peer.Digest, unique, string.Empty); // held like any notice, never merged: one answer per Nick
            if (old == unique)
            {
                return null;
            }

            var renamed = new Change(PresenceKind.Renamed, old, unique, peer.Digest);
            AnnounceLocked(link, renamed);
            return renamed;
        }
    }

    /// <summary>A joined peer renamed too fast: its name stays, and it is told so (Presence refused) in the order of its Nicks.</summary>
    public void RefuseRename(Link link)
    {
        lock (_gate)
        {
            if (_joined.Contains(link.Id) && link.Peer is { } peer)
            {
                link.TryAnnounce(link.Id, PresenceKind.Refused, peer.Digest, link.Name, string.Empty);
            }
        }
    }

    /// <summary>The link is gone: the others are told; returns Left when it had joined.</summary>
    public Change? Leave(Link link)
    {
        lock (_gate)
        {
            if (!_joined.Remove(link.Id))
            {
                return null;
            }

            _joinedLinks = null;

            ForgetKeyLocked(link);
            var left = new Change(PresenceKind.Left, link.Name, string.Empty, link.Peer!.Digest);
            AnnounceLocked(link, left);
            return left;
        }
    }

    /// <summary>
    /// Under the lock: tells every joined peer but <paramref name="about"/> of a change (held and coalesced per peer,
    /// within its output budget). Join, rename and leave announce under the lock that changes membership, so what a
    /// newcomer is told (the member list) and what it hears later (joins, renames, leaves) never overlap or miss.
    /// </summary>
    private void AnnounceLocked(Link about, Change change)
    {
        foreach (Link other in _links.Values)
        {
            if (other != about && _joined.Contains(other.Id))
            {
                other.TryAnnounce(about.Id, change.Kind, change.Digest, change.Name, change.NewName);
            }
        }
    }

    /// <summary>
    /// Relays a message in <see cref="ChatEndpoint.Lobby"/> to every joined link but <paramref name="from"/>: a
    /// member's with its identity digest, or the operator's (<paramref name="from"/> null) with the server's. Returns
    /// how many it was sealed for.
    /// </summary>
    public int Relay(Link? from, byte[] senderDigest, string sender, string text)
    {
        int sent = 0;
        foreach (Link link in JoinedLinks())
        {
            if (link != from && link.TryRelayChat(ChatEndpoint.Lobby, senderDigest, sender, text))
            {
                sent++;
            }
        }

        return sent;
    }

    private Link[] JoinedLinks()
    {
        lock (_gate)
        {
            return JoinedLinksLocked();
        }
    }

    private Link[] JoinedLinksLocked() => _joinedLinks ??= [.. _links.Values.Where(l => _joined.Contains(l.Id))];

    /// <summary>
    /// The name a joining or renaming peer gets, under the lock: the one asked for made valid
    /// (<see cref="NameRules.Sanitize"/>), or the registry's answer when names belong to identities, then a <c>-2</c>,
    /// <c>-3</c>, ... suffix while it looks like the operator's name or a joined peer's. Records it as taken.
    /// </summary>
    private string UniqueLocked(string requested, Link asking)
    {
        string valid = NameRules.Sanitize(requested, DefaultPeerName);
        if (claimName is not null && asking.Peer is { } peer)
        {
            string granted = NameRules.Sanitize(claimName(valid, peer.PublicKey, IsTakenLocked), DefaultPeerName);
            if (!IsTakenLocked(granted))
            {
                valid = granted;
            }
        }

        string unique = valid;
        for (int n = 2; IsTakenLocked(unique); n++)
        {
            unique = NameRules.WithSuffix(valid, n);
        }

        _keyOwners[NameRules.Key(unique)] = asking.Id;
        return unique;
    }

    /// <summary>True when <paramref name="name"/> looks like the operator's or a joined peer's (the asking peer's own key is forgotten first).</summary>
    private bool IsTakenLocked(string name)
    {
        string key = NameRules.Key(name);
        return key == _ownKey || _keyOwners.ContainsKey(key);
    }

    private void ForgetKeyLocked(Link link)
    {
        string key = NameRules.Key(link.Name);
        if (_keyOwners.TryGetValue(key, out int owner) && owner == link.Id)
        {
            _keyOwners.Remove(key);
        }
    }
}
