namespace SecureChat.Engine.Hub;

/// <summary>
/// One room of a hub: its name (as its creator spelled it), its members in the order they entered, its operators
/// and muted identities, whether it is invite-only, the identities invited into it, and its topic. Everything but the
/// name lives only as long as the room (a room exists while it has members; <c>#lobby</c> always). Operator, muted and
/// invited are by identity, so a second link of the same person shares them. Not thread-safe: used under the hub's
/// lock, except <see cref="Snapshot"/>'s result, an immutable array a relay reads outside the lock.
/// </summary>
internal sealed class Room(string name, string key)
{
    private readonly List<HubMember> _members = [];
    private readonly HashSet<string> _operators = new(StringComparer.Ordinal);
    private readonly HashSet<string> _muted = new(StringComparer.Ordinal);
    private readonly HashSet<string> _invited = new(StringComparer.Ordinal);

    /// <summary>The members as of the last change, so a relay to thousands copies nothing and holds no lock while it seals.</summary>
    private HubMember[]? _snapshot;

    public string Name { get; } = name;

    /// <summary>The look-alike key (<see cref="Chat.RoomName.Key"/>).</summary>
    public string Key { get; } = key;

    public bool InviteOnly { get; set; }

    public string Topic { get; set; } = string.Empty;

    public IReadOnlyList<HubMember> Members => _members;

    public int Count => _members.Count;

    /// <summary>The members now, as an array that never changes (a new one is made after each change).</summary>
    public HubMember[] Snapshot() => _snapshot ??= [.. _members];

    public void Add(HubMember member)
    {
        _members.Add(member);
        _snapshot = null;
    }

    public void Remove(HubMember member)
    {
        _members.Remove(member);
        _snapshot = null;
    }

    /// <summary>The members of one identity (usually one link).</summary>
    public List<HubMember> MembersOf(string identity) => [.. _members.Where(m => m.Identity == identity)];

    public bool HasIdentity(string identity) => _members.Any(m => m.Identity == identity);

    /// <summary>An operator of the room: made one (its creator, or by /op), or the hub's operator.</summary>
    public bool IsOperator(HubMember member) => member.IsHubOperator || _operators.Contains(member.Identity);

    public bool IsMuted(HubMember member) => !member.IsHubOperator && _muted.Contains(member.Identity);

    public void SetOperator(string identity, bool on) => Set(_operators, identity, on);

    public void SetMuted(string identity, bool on) => Set(_muted, identity, on);

    public void Invite(string identity) => _invited.Add(identity);

    /// <summary>Uses the identity's invitation (it lets the identity in once); false when it had none.</summary>
    public bool TakeInvitation(string identity) => _invited.Remove(identity);

    /// <summary>Presence flags of a member here: bit 0 room operator, bit 1 muted.</summary>
    public byte Flags(HubMember member) => (byte)((IsOperator(member) ? 1 : 0) | (IsMuted(member) ? 2 : 0));

    private static void Set(HashSet<string> set, string identity, bool on)
    {
        if (on)
        {
            set.Add(identity);
        }
        else
        {
            set.Remove(identity);
        }
    }
}
