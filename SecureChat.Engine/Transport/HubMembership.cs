using SecureChat.Engine.Session;
using System.Collections.Concurrent;
using System.Globalization;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Transport;

/// <summary>
/// Who is on the hub: every link, which of them have joined (secure, told their name and the member list, and
/// announced), the names (unique among the operator and the joined peers, case-insensitively), and the fan-out of
/// chat and presence to them. Names and
/// joined flags change only under one lock. Thread-safe.
/// </summary>
internal sealed class HubMembership(string ownName, Func<string, byte[], Func<string, bool>, string>? claimName = null)
{
    private readonly ConcurrentDictionary<int, SessionHost> _links = new();
    private readonly HashSet<int> _joined = [];
    private readonly object _gate = new();
    private string _ownName = ownName;

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

    /// <summary>Every link, in no particular order.</summary>
    public ICollection<SessionHost> Links => _links.Values;

    public int Count => _links.Count;

    public void Add(SessionHost link) => _links[link.Id] = link;

    public void Remove(SessionHost link) => _links.TryRemove(link.Id, out _);

    public bool IsJoined(SessionHost link)
    {
        lock (_gate)
        {
            return _joined.Contains(link.Id);
        }
    }

    public void SetOwnName(string name)
    {
        lock (_gate)
        {
            _ownName = name;
        }
    }

    /// <summary>
    /// A secure peer joins under the name it asked for in the handshake (or the one it gets instead): it is told
    /// its final name and who is already here, before it can receive anything else (relays go to joined peers
    /// only). Returns the Joined change to announce to the others.
    /// </summary>
    public Change Join(SessionHost link)
    {
        PeerIdentity peer = link.Peer ?? throw new InvalidOperationException("only a secure link joins");
        lock (_gate)
        {
            string name = UniqueLocked(peer.Name, link);
            link.Name = name;
            var members = _links.Values.Where(l => l != link && _joined.Contains(l.Id)).Select(l => (l.Name, l.Peer!.Digest)).ToList();
            link.RunIfSecure(chat =>
            {
                chat.SendPresence(PresenceKind.You, peer.Digest, name);
                foreach ((string memberName, byte[] digest) in members)
                {
                    chat.SendPresence(PresenceKind.Member, digest, memberName);
                }
            });
            _joined.Add(link.Id);
            return new Change(PresenceKind.Joined, name, string.Empty, peer.Digest);
        }
    }

    /// <summary>A joined peer asks for another name: it gets it, or another if taken, and is told which; returns Renamed, or null.</summary>
    public Change? Rename(SessionHost link, string requested)
    {
        lock (_gate)
        {
            if (!_joined.Contains(link.Id) || link.Peer is not { } peer)
            {
                return null;
            }

            string old = link.Name;
            string unique = UniqueLocked(requested, link);
            link.Name = unique;
            link.TryAnnounce(link.Id, PresenceKind.You, peer.Digest, unique, string.Empty); // held and coalesced like any notice
            return old != unique ? new Change(PresenceKind.Renamed, old, unique, peer.Digest) : null;
        }
    }

    /// <summary>The link is gone; returns Left when it had joined.</summary>
    public Change? Leave(SessionHost link)
    {
        lock (_gate)
        {
            return _joined.Remove(link.Id) ? new Change(PresenceKind.Left, link.Name, string.Empty, link.Peer!.Digest) : null;
        }
    }

    /// <summary>Tells every joined peer but <paramref name="about"/> of a change (held and coalesced per peer, within its output budget).</summary>
    public void Announce(SessionHost about, Change change)
    {
        foreach (SessionHost other in _links.Values)
        {
            if (other != about && IsJoined(other))
            {
                other.TryAnnounce(about.Id, change.Kind, change.Digest, change.Name, change.NewName);
            }
        }
    }

    /// <summary>
    /// Relays a message to every joined link but <paramref name="from"/>: a member's with its identity digest, or
    /// the operator's own (<paramref name="from"/> and <paramref name="senderDigest"/> null). Returns how many it
    /// was sealed for.
    /// </summary>
    public int Relay(SessionHost? from, byte[]? senderDigest, string sender, string text)
    {
        int sent = 0;
        foreach (SessionHost link in _links.Values)
        {
            if (link != from && IsJoined(link) && link.TryRelayChat(senderDigest, sender, text))
            {
                sent++;
            }
        }

        return sent;
    }

    private string UniqueLocked(string requested, SessionHost asking)
    {
        if (claimName is not null && asking.Peer is { } peer)
        {
            string granted = claimName(requested, peer.PublicKey, name => IsTakenLocked(name, asking));
            if (!IsTakenLocked(granted, asking))
            {
                return granted;
            }
        }

        string unique = requested;
        for (int n = 2; IsTakenLocked(unique, asking); n++)
        {
            string suffix = "-" + n.ToString(CultureInfo.InvariantCulture);
            unique = Truncate(requested, ChatOptions.MaxNameBytes - suffix.Length) + suffix;
        }

        return unique;
    }

    private bool IsTakenLocked(string name, SessionHost asking) =>
        string.Equals(name, _ownName, StringComparison.OrdinalIgnoreCase) ||
        _links.Values.Any(l => l != asking && _joined.Contains(l.Id) && string.Equals(l.Name, name, StringComparison.OrdinalIgnoreCase));

    private static string Truncate(string name, int maxBytes)
    {
        while (RecordPayload.StrictUtf8.GetByteCount(name) > maxBytes)
        {
            name = name[..^1];
            if (name.Length > 0 && char.IsHighSurrogate(name[^1]))
            {
                name = name[..^1];
            }
        }

        return name;
    }
}
