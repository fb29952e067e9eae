using SecureChat.Engine.Chat;

namespace SecureChat.Tui.App;

/// <summary>
/// A room this side is in, as the hub told it: its name as the hub spells it, topic, mode, whether this side is an
/// operator of it, and its members (by look-alike key: two names that look alike are one member). Not thread-safe:
/// the model holds its lock.
/// </summary>
internal sealed class RoomState(string name)
{
    private readonly Dictionary<string, RoomMember> _members = new(StringComparer.Ordinal);

    public string Name { get; } = name;

    public string Topic { get; set; } = string.Empty;

    public bool InviteOnly { get; set; }

    /// <summary>This side is an operator of the room.</summary>
    public bool Operator { get; set; }

    public int Count => _members.Count;

    /// <summary>The members' names, sorted as a person reads a list.</summary>
    public IReadOnlyList<string> Names => [.. _members.Values.Select(m => m.Name).Order(StringComparer.OrdinalIgnoreCase)];

    public IEnumerable<RoomMember> Members => _members.Values.OrderBy(m => m.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>Forgets every member: the hub lists them afresh when this side enters the room (again, after a reconnect).</summary>
    public void Clear() => _members.Clear();

    public void Add(RoomMember member) => _members[NameRules.Key(member.Name)] = member;

    /// <summary>Removes the member of that name; true when there was one.</summary>
    public bool Remove(string name) => _members.Remove(NameRules.Key(name));

    public RoomMember? Find(string name) => _members.GetValueOrDefault(NameRules.Key(name));

    public bool Contains(string name) => _members.ContainsKey(NameRules.Key(name));

    /// <summary>The member of that name gets <paramref name="change"/> applied, when there is one.</summary>
    public void Update(string name, Func<RoomMember, RoomMember> change)
    {
        string key = NameRules.Key(name);
        if (_members.TryGetValue(key, out RoomMember? member))
        {
            _members[key] = change(member);
        }
    }

    /// <summary>Someone was renamed: true when they were in this room.</summary>
    public bool Rename(string name, string newName, string? identity)
    {
        if (!_members.Remove(NameRules.Key(name), out RoomMember? member))
        {
            return false;
        }

        _members[NameRules.Key(newName)] = member with { Name = newName, Identity = identity ?? member.Identity };
        return true;
    }
}
