namespace SecureChat.Engine.Hub.Groups;

/// <summary>
/// One MLS group as its delivery service knows it (PROTOCOL.md 4.8): its <c>group_id</c> and epoch, the roster of its
/// leaves, its members from the longest in the group on (the order of designation), the pending joiners and removals,
/// and the open task. Not thread-safe: used under the hub's lock.
/// </summary>
internal sealed class DeliveryGroup
{
    private readonly List<string> _seniority = [];

    public DeliveryGroup(GroupKey key, byte[] groupId, string founder)
    {
        Key = key;
        GroupId = groupId;
        Roster = new GroupRoster(founder);
        _seniority.Add(founder);
    }

    public GroupKey Key { get; }

    public byte[] GroupId { get; private set; }

    public ulong Epoch { get; private set; }

    public GroupRoster Roster { get; private set; }

    /// <summary>The members with a leaf, the longest in the group first.</summary>
    public IReadOnlyList<string> Seniority => _seniority;

    public List<PendingJoiner> Joiners { get; } = [];

    /// <summary>Identities to be removed, in the order they became pending.</summary>
    public List<string> Removals { get; } = [];

    public GroupTask? Task { get; set; }

    public bool HasWork => Removals.Count > 0 || Joiners.Any(j => j.KeyPackage is not null);

    public bool IsPendingRemoval(string identity) => Removals.Contains(identity);

    public PendingJoiner? JoinerOf(string identity) => Joiners.Find(j => j.Identity == identity);

    /// <summary>A member that can send to the group: it holds a leaf and is not about to be removed.</summary>
    public bool IsActiveMember(string identity) => Roster.Contains(identity) && !IsPendingRemoval(identity);

    /// <summary>An accepted commit: the removed leaves and added joiners leave their pending lists, the epoch advances.</summary>
    public void Apply(IReadOnlyList<uint> removedLeaves, IReadOnlyList<PendingJoiner> added)
    {
        List<string> removed = [.. removedLeaves.Select(leaf => Roster.IdentityAt(leaf)!)];
        Roster.Apply(removedLeaves, [.. added.Select(j => j.Identity)]);
        foreach (string identity in removed)
        {
            Removals.Remove(identity);
            _seniority.Remove(identity);
        }

        foreach (PendingJoiner joiner in added)
        {
            Joiners.Remove(joiner);
            _seniority.Add(joiner.Identity);
        }

        Epoch++;
    }

    /// <summary>
    /// Starts the group again with <paramref name="founder"/> alone at epoch 0 under a new <c>group_id</c>: every
    /// member was removed while joiners wait. The founder leaves the joiners; the removals are done.
    /// </summary>
    public void Refound(byte[] groupId, string founder)
    {
        GroupId = groupId;
        Epoch = 0;
        Roster = new GroupRoster(founder);
        _seniority.Clear();
        _seniority.Add(founder);
        Removals.Clear();
        Joiners.RemoveAll(j => j.Identity == founder);
    }

    /// <summary>The first of a direct conversation's commits: the group exists from its epoch 1 with both people.</summary>
    public static DeliveryGroup Created(GroupKey key, byte[] groupId, string creator, string other)
    {
        var group = new DeliveryGroup(key, groupId, creator);
        group.Roster.Apply([], [other]);
        group._seniority.Add(other);
        group.Epoch = 1;
        return group;
    }
}
