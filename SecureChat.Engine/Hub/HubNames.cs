using SecureChat.Engine.Chat;

namespace SecureChat.Engine.Hub;

/// <summary>
/// The names of a hub's members: valid by <see cref="NameRules"/>, owned by identities when the hub keeps a registry
/// (<see cref="HubSettings.ClaimName"/>), and unique among the members, operator included, by look-alike key
/// (<see cref="NameRules.Key"/>): no two look alike, whatever their case. Not thread-safe: used under the hub's lock.
/// </summary>
internal sealed class HubNames(HubSettings settings)
{
    /// <summary>The name of a member that asked for nothing usable.</summary>
    public const string DefaultName = "Client";

    /// <summary>Members by the key of their name, so a rename or a lookup costs one key, not one per member.</summary>
    private readonly Dictionary<string, HubMember> _owners = new(StringComparer.Ordinal);

    /// <summary>The member whose name looks like <paramref name="name"/>, or null.</summary>
    public HubMember? Find(string name) => _owners.GetValueOrDefault(NameRules.Key(name));

    /// <summary>Records the operator's (valid) name as taken.</summary>
    public void AddOperator(HubMember member) => _owners[NameRules.Key(member.Name)] = member;

    /// <summary>
    /// The name a joining or renaming member gets: the one asked for made valid (<see cref="NameRules.Sanitize"/>), or
    /// the registry's answer, then a <c>-2</c>, <c>-3</c>, ... suffix while it looks like another member's. The
    /// member's own current name is forgotten first, and the new one recorded as its.
    /// </summary>
    public string Assign(HubMember member, string requested)
    {
        Forget(member);
        string valid = NameRules.Sanitize(requested, DefaultName);
        if (settings.ClaimName is { } claim)
        {
            string granted = NameRules.Sanitize(claim(valid, member.PublicKey, IsTaken), DefaultName);
            if (!IsTaken(granted))
            {
                valid = granted;
            }
        }

        string unique = valid;
        for (int n = 2; IsTaken(unique); n++)
        {
            unique = NameRules.WithSuffix(valid, n);
        }

        _owners[NameRules.Key(unique)] = member;
        member.Name = unique;
        return unique;
    }

    /// <summary>Gives the operator a new (valid) name unless another member's looks like it: false with that member's name.</summary>
    public bool TryRenameOperator(HubMember member, string name, out string holder)
    {
        if (Find(name) is { } other && other != member)
        {
            holder = other.Name;
            return false;
        }

        holder = string.Empty;
        Forget(member);
        member.Name = name;
        _owners[NameRules.Key(name)] = member;
        return true;
    }

    public void Forget(HubMember member)
    {
        string key = NameRules.Key(member.Name);
        if (_owners.TryGetValue(key, out HubMember? owner) && owner == member)
        {
            _owners.Remove(key);
        }
    }

    private bool IsTaken(string name) => _owners.ContainsKey(NameRules.Key(name));
}
