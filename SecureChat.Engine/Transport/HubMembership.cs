using System.Collections.Concurrent;
using System.Globalization;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Transport;

/// <summary>
/// Who is on the hub: every link, which of them have joined (announced under a name), the names (unique among the
/// operator and the joined peers, case-insensitively), and the fan-out of chat and presence to them. Names and
/// joined flags change only under one lock. Thread-safe.
/// </summary>
internal sealed class HubMembership(string ownName)
{
    private readonly ConcurrentDictionary<int, SessionHost> _links = new();
    private readonly HashSet<int> _joined = [];
    private readonly object _gate = new();
    private string _ownName = ownName;

    /// <summary>What changed in a membership operation, to be announced (kind, old name, new name); null for nothing.</summary>
    public readonly record struct Change(PresenceKind Kind, string Name, string NewName);

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

    /// <summary>Gives a peer the name it asked for, made unique; returns Joined (first name), Renamed, or null.</summary>
    public Change? Rename(SessionHost link, string requested)
    {
        lock (_gate)
        {
            string old = link.Name;
            bool joining = _joined.Add(link.Id);
            string unique = requested;
            for (int n = 2; IsTakenLocked(unique, link); n++)
            {
                string suffix = "-" + n.ToString(CultureInfo.InvariantCulture);
                unique = Truncate(requested, ChatOptions.MaxNameBytes - suffix.Length) + suffix;
            }

            link.Name = unique;
            return joining ? new Change(PresenceKind.Joined, unique, string.Empty)
                : old != unique ? new Change(PresenceKind.Renamed, old, unique)
                : null;
        }
    }

    /// <summary>The link is gone; returns Left when it had joined.</summary>
    public Change? Leave(SessionHost link)
    {
        lock (_gate)
        {
            return _joined.Remove(link.Id) ? new Change(PresenceKind.Left, link.Name, string.Empty) : null;
        }
    }

    /// <summary>Tells every joined peer but <paramref name="about"/> of a change (held and coalesced per peer, within its output budget).</summary>
    public void Announce(SessionHost about, Change change)
    {
        foreach (SessionHost other in _links.Values)
        {
            if (other != about && IsJoined(other))
            {
                other.TryAnnounce(about.Id, change.Kind, change.Name, change.NewName);
            }
        }
    }

    /// <summary>Relays a message to every secure link but <paramref name="from"/> (null: to all); returns how many it was sealed for.</summary>
    public int Relay(SessionHost? from, string sender, string text)
    {
        int sent = 0;
        foreach (SessionHost link in _links.Values)
        {
            if (link != from && link.TryRelayChat(sender, text))
            {
                sent++;
            }
        }

        return sent;
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
