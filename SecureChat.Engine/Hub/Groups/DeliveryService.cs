using System.Security.Cryptography;

namespace SecureChat.Engine.Hub.Groups;

/// <summary>
/// The hub as MLS delivery service (PROTOCOL.md 4.8, RFC 9420 section 16): it keeps key packages, each group's roster,
/// epoch and pending joiners and removals, designates one member at a time to commit them, accepts the first valid
/// commit of each epoch and routes it and its Welcome, and checks application messages before they are relayed. It
/// reads the public parts of MLS messages and verifies no group signature or tag: it holds no group secret.
/// </summary>
/// <remarks>
/// Not thread-safe by itself: every call is made under the hub's lock (<c>gate</c>), which the task timers take too,
/// so what members are told (through <see cref="IDeliveryOutput"/>) keeps the order of the changes.
/// </remarks>
internal sealed partial class DeliveryService(DeliveryOptions options, object gate, IDeliveryOutput output)
{
    /// <summary>The size of a <c>group_id</c> the hub chooses, and of a direct conversation's.</summary>
    public const int GroupIdSize = 16;

    private readonly Dictionary<GroupKey, DeliveryGroup> _groups = [];
    private readonly HashSet<string> _connected = new(StringComparer.Ordinal);

    public KeyPackageStore KeyPackages { get; } = new();

    public DeliveryOptions Options => options;

    public DeliveryGroup? Find(GroupKey key) => _groups.GetValueOrDefault(key);

    public bool IsConnected(string identity) => _connected.Contains(identity);

    /// <summary>
    /// Checks and keeps a key package of <paramref name="identity"/> (see <see cref="KeyPackageCheck"/>), then gives
    /// one to each of its joins that waited for one. False with the reason when it fails a check (it is dropped).
    /// </summary>
    /// <remarks>With <paramref name="assign"/> false the caller calls <see cref="AssignWaiting"/> once it has offered every key package of a record.</remarks>
    public bool TryOfferKeyPackage(string identity, ReadOnlySpan<byte> identityPublicKey, ReadOnlySpan<byte> message, bool lastResort, out string failure, bool assign = true)
    {
        ulong now = (ulong)options.Time.GetUtcNow().ToUnixTimeSeconds();
        if (!KeyPackageCheck.TryCheck(message, identityPublicKey, now, out StoredKeyPackage? keyPackage, out failure))
        {
            return false;
        }

        KeyPackages.Add(identity, keyPackage!, lastResort);
        if (assign)
        {
            AssignWaiting(identity);
        }

        return true;
    }

    /// <summary>Gives a key package of <paramref name="identity"/> to each of its joins that waited for one, and tasks their groups.</summary>
    public void AssignWaiting(string identity)
    {
        foreach (DeliveryGroup group in _groups.Values.ToList())
        {
            if (group.JoinerOf(identity) is { KeyPackage: null } joiner)
            {
                GiveKeyPackage(joiner);
                Designate(group, after: null);
            }
        }
    }

    /// <summary>
    /// <paramref name="identity"/> enters the room: a new room's group is founded by it; in a room with a group it
    /// becomes a pending joiner with one of its key packages (unless it already holds a leaf there).
    /// </summary>
    /// <remarks>With <paramref name="designate"/> false the caller calls <see cref="Designate(GroupKey)"/> once it has told the room, so a task follows the news of its joiner.</remarks>
    public RoomGroupEntry EnterRoom(string roomKey, string identity, bool designate = true)
    {
        GroupKey key = GroupKey.ForRoom(roomKey);
        if (!_groups.TryGetValue(key, out DeliveryGroup? group))
        {
            group = new DeliveryGroup(key, RandomNumberGenerator.GetBytes(GroupIdSize), identity);
            _groups[key] = group;
            return new RoomGroupEntry(group.GroupId, Founder: true, Full: false);
        }

        if (group.IsActiveMember(identity) || group.JoinerOf(identity) is not null)
        {
            return new RoomGroupEntry(group.GroupId, Founder: false, Full: false);
        }

        if (group.Roster.MemberCount - group.Removals.Count + group.Joiners.Count >= options.MembersMax)
        {
            return RoomGroupEntry.FullGroup;
        }

        var joiner = new PendingJoiner(identity);
        group.Joiners.Add(joiner);
        GiveKeyPackage(joiner);
        if (designate)
        {
            Designate(group, after: null);
        }

        return new RoomGroupEntry(group.GroupId, Founder: false, Full: false);
    }

    /// <summary>
    /// <paramref name="identity"/> is no longer in the room (part, kick, ban, away too long): a pending removal while it
    /// holds a leaf, and no longer a joiner. When no member is left to commit, the first joiner founds the group anew;
    /// with no joiner either, the group is gone.
    /// </summary>
    public void LeaveRoom(string roomKey, string identity)
    {
        if (!_groups.TryGetValue(GroupKey.ForRoom(roomKey), out DeliveryGroup? group))
        {
            return;
        }

        if (group.JoinerOf(identity) is { } joiner)
        {
            group.Joiners.Remove(joiner);
            if (group.Task?.Joiners.Contains(joiner) == true)
            {
                EndTask(group);
            }
        }

        if (group.Roster.Contains(identity) && !group.IsPendingRemoval(identity))
        {
            group.Removals.Add(identity);
        }

        if (group.Roster.Members.All(group.IsPendingRemoval))
        {
            EndTask(group);
            if (group.Joiners.Count == 0)
            {
                _groups.Remove(group.Key);
                return;
            }

            string founder = group.Joiners[0].Identity;
            group.Refound(RandomNumberGenerator.GetBytes(GroupIdSize), founder);
            output.Founded(founder, group.Key, group.GroupId);
        }

        PassOnIfDesignated(group, identity);
        Designate(group, after: null);
    }

    /// <summary>
    /// Request <c>resync</c>: <paramref name="identity"/> holds no usable state of the group, so the next task removes
    /// its leaf and adds it again with a new key package. False when it holds no leaf of the group.
    /// </summary>
    public bool Resync(GroupKey key, string identity)
    {
        if (!_groups.TryGetValue(key, out DeliveryGroup? group) || !group.Roster.Contains(identity))
        {
            return false;
        }

        if (!group.IsPendingRemoval(identity))
        {
            group.Removals.Add(identity);
        }

        if (group.JoinerOf(identity) is null)
        {
            var joiner = new PendingJoiner(identity);
            group.Joiners.Add(joiner);
            GiveKeyPackage(joiner);
        }

        PassOnIfDesignated(group, identity);
        Designate(group, after: null);
        return true;
    }

    /// <summary>A link of <paramref name="identity"/> is secure: groups that waited for a member to task get one.</summary>
    public void LinkUp(string identity)
    {
        _connected.Add(identity);
        foreach (DeliveryGroup group in _groups.Values.ToList())
        {
            if (group.IsActiveMember(identity))
            {
                Designate(group, after: null);
            }
        }
    }

    /// <summary>The last link of <paramref name="identity"/> dropped: its open tasks go to the next member.</summary>
    public void LinkDown(string identity)
    {
        _connected.Remove(identity);
        foreach (DeliveryGroup group in _groups.Values.ToList())
        {
            PassOnIfDesignated(group, identity);
        }
    }

    /// <summary>The current <c>group_id</c> of a room's group, or null when the room has none.</summary>
    public byte[]? GroupIdOf(string roomKey) => _groups.GetValueOrDefault(GroupKey.ForRoom(roomKey))?.GroupId;

    /// <summary>Forgets a room's group (the room is gone).</summary>
    public void DropRoom(string roomKey)
    {
        if (_groups.Remove(GroupKey.ForRoom(roomKey), out DeliveryGroup? group))
        {
            EndTask(group);
        }
    }

    /// <summary>Opens a task for the group when it has work and none is open.</summary>
    public void Designate(GroupKey key)
    {
        if (_groups.TryGetValue(key, out DeliveryGroup? group))
        {
            Designate(group, after: null);
        }
    }

    private void GiveKeyPackage(PendingJoiner joiner)
    {
        if (KeyPackages.TryTake(joiner.Identity, out StoredKeyPackage? keyPackage, out bool tellFew))
        {
            joiner.KeyPackage = keyPackage;
        }

        if (tellFew)
        {
            output.FewKeyPackages(joiner.Identity, KeyPackages.OneTimeCount(joiner.Identity));
        }
    }

    private void PassOnIfDesignated(DeliveryGroup group, string identity)
    {
        if (group.Task?.Designee == identity)
        {
            EndTask(group);
            Designate(group, after: identity);
        }
    }

    private static void EndTask(DeliveryGroup group)
    {
        group.Task?.Dispose();
        group.Task = null;
    }

    /// <summary>
    /// Opens a task when the group has work and none is open: to the connected member not pending removal that has
    /// been in the group longest, or, passing a task on, to the next one after <paramref name="after"/> in that order.
    /// </summary>
    private void Designate(DeliveryGroup group, string? after)
    {
        if (group.Task is not null || !group.HasWork || !_groups.ContainsKey(group.Key))
        {
            return;
        }

        List<string> candidates = [.. group.Seniority.Where(m => _connected.Contains(m) && !group.IsPendingRemoval(m))];
        if (candidates.Count == 0)
        {
            return;
        }

        string designee = candidates[0];
        if (after is not null)
        {
            int position = group.Seniority.ToList().IndexOf(after);
            designee = candidates.FirstOrDefault(c => group.Seniority.ToList().IndexOf(c) > position) ?? candidates[0];
        }

        List<string> removals = [.. group.Removals.Take(options.TaskRemovalsMax)];
        List<PendingJoiner> joiners = [.. group.Joiners.Where(j => j.KeyPackage is not null).Take(options.TaskJoinersMax)];
        var task = new GroupTask(designee, removals, joiners);
        group.Task = task;
        output.Task(designee, group.Key, group.GroupId, group.Epoch, task);
        task.Timer = options.Time.CreateTimer(OnTaskTimeout, (group, task), options.TaskTimeout, Timeout.InfiniteTimeSpan);
    }

    private void OnTaskTimeout(object? state)
    {
        (DeliveryGroup group, GroupTask task) = ((DeliveryGroup, GroupTask))state!;
        lock (gate)
        {
            if (group.Task == task && _groups.ContainsKey(group.Key))
            {
                EndTask(group);
                Designate(group, after: task.Designee);
            }
        }
    }
}
