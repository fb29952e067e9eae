namespace SecureChat.Engine.Hub.Groups;

/// <summary>
/// The hub's view of an MLS group's leaves (PROTOCOL.md 4.8): leaf index to identity (the hex identity digest), or
/// blank. Updated from each accepted commit in RFC 9420 section 12.3's order: every Remove blanks its leaf, every Add
/// fills the leftmost blank leaf or extends the list by one, then trailing blank leaves are dropped (the tree is
/// truncated, section 7.8), so these indices are the members' leaf indices. Not thread-safe: used under the hub's lock.
/// </summary>
internal sealed class GroupRoster
{
    private readonly List<string?> _leaves = [];

    public GroupRoster(string founder) => _leaves.Add(founder);

    /// <summary>Leaves, blank ones inside the list included.</summary>
    public int LeafCount => _leaves.Count;

    /// <summary>Leaves that hold an identity.</summary>
    public int MemberCount => _leaves.Count(l => l is not null);

    /// <summary>Every leaf by index: its identity, or null for a blank leaf.</summary>
    public IReadOnlyList<string?> Leaves => _leaves;

    /// <summary>The identities of the occupied leaves, by leaf index.</summary>
    public IEnumerable<string> Members => _leaves.OfType<string>();

    public string? IdentityAt(uint leaf) => leaf < (uint)_leaves.Count ? _leaves[(int)leaf] : null;

    public bool Contains(string identity) => _leaves.Contains(identity);

    /// <summary>The leaf index of <paramref name="identity"/>, or -1.</summary>
    public int LeafOf(string identity) => _leaves.IndexOf(identity);

    /// <summary>Applies an accepted commit's Removes (leaf indices, each occupied) then its Adds (identities, in order).</summary>
    public void Apply(IReadOnlyList<uint> removed, IReadOnlyList<string> added)
    {
        foreach (uint leaf in removed)
        {
            _leaves[(int)leaf] = null;
        }

        foreach (string identity in added)
        {
            int blank = _leaves.IndexOf(null);
            if (blank < 0)
            {
                _leaves.Add(identity);
            }
            else
            {
                _leaves[blank] = identity;
            }
        }

        while (_leaves.Count > 0 && _leaves[^1] is null)
        {
            _leaves.RemoveAt(_leaves.Count - 1);
        }
    }
}
