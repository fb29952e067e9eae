using System.Collections.Concurrent;
using System.Globalization;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Transport;

/// <summary>
/// Who is on the hub: every link, which of them have joined (announced under a name), the names (valid by
/// <see cref="NameRules"/>, and unique among the operator and the joined peers by <see cref="NameRules.Key"/>: no two
/// look alike, whatever their case), and the fan-out of chat and presence to them. Names and
/// joined flags change only under one lock. Thread-safe.
/// </summary>
internal sealed class HubMembership(string ownName)
{
    private readonly ConcurrentDictionary<int, SessionHost> _links = new();
    private readonly HashSet<int> _joined = [];

    /// <summary>Joined peers' names by lookalike key (<see cref="NameRules.Key"/>), so a rename costs one lookup, not one key per peer.</summary>
    private readonly Dictionary<string, int> _keyOwners = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private string _ownName = ownName;
    private string _ownKey = NameRules.Key(ownName);

    /// <summary>The name of a peer that asked for nothing usable.</summary>
    public const string DefaultPeerName = "Client";

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

    /// <summary>
    /// Gives the operator a (valid) name unless a joined peer's name looks like it; returns false with that peer's
    /// name. The operator's name is reserved: no peer can take it or a lookalike later.
    /// </summary>
    public bool TrySetOwnName(string name, out string holder)
    {
        lock (_gate)
        {
            string key = NameRules.Key(name);
            if (_keyOwners.TryGetValue(key, out int owner))
            {
                holder = _links.TryGetValue(owner, out SessionHost? link) ? link.Name : name;
                return false;
            }

            holder = string.Empty;
            _ownName = name;
            _ownKey = key;
            return true;
        }
    }

    /// <summary>
    /// Gives a peer the name it asked for, made valid (<see cref="NameRules.Sanitize"/>) and unique (a <c>-2</c>,
    /// <c>-3</c>, ... suffix while it looks like a name in use); returns Joined (first name), Renamed, or null, and
    /// the name given in <paramref name="given"/>.
    /// </summary>
    public Change? Rename(SessionHost link, string requested, out string given)
    {
        lock (_gate)
        {
            string old = link.Name;
            bool joining = _joined.Add(link.Id);
            if (!joining)
            {
                ForgetKeyLocked(link);
            }

            string valid = NameRules.Sanitize(requested, DefaultPeerName);
            string unique = valid;
            string key = NameRules.Key(unique);
            for (int n = 2; key == _ownKey || _keyOwners.ContainsKey(key); n++)
            {
                string suffix = "-" + n.ToString(CultureInfo.InvariantCulture);
                unique = NameRules.Truncate(valid, NameRules.MaxTextElements - suffix.Length, NameRules.MaxBytes - suffix.Length).TrimEnd() + suffix;
                key = NameRules.Key(unique);
            }

            _keyOwners[key] = link.Id;
            link.Name = given = unique;
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
            if (!_joined.Remove(link.Id))
            {
                return null;
            }

            ForgetKeyLocked(link);
            return new Change(PresenceKind.Left, link.Name, string.Empty);
        }
    }

    /// <summary>Tells every joined peer but <paramref name="about"/> of a change.</summary>
    public void Announce(SessionHost about, Change change)
    {
        foreach (SessionHost other in _links.Values)
        {
            if (other != about && IsJoined(other))
            {
                other.RunIfSecure(chat => chat.SendPresence(change.Kind, change.Name, change.NewName));
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

    private void ForgetKeyLocked(SessionHost link)
    {
        string key = NameRules.Key(link.Name);
        if (_keyOwners.TryGetValue(key, out int owner) && owner == link.Id)
        {
            _keyOwners.Remove(key);
        }
    }
}
