using Microsoft.Extensions.Time.Testing;
using SecureChat.Engine.Hub.Groups;
using SecureChat.Engine.Mls.Group;
using SecureChat.Engine.Mls.Messages;

namespace SecureChat.Engine.Tests.Hub.Groups;

/// <summary>
/// A <see cref="DeliveryService"/> on a fake clock with named members holding real MLS state: members publish key
/// packages, connect, enter rooms, and carry out the tasks they get with real commits. Not thread-safe.
/// </summary>
internal sealed class DeliveryHarness
{
    private readonly Dictionary<string, DsMember> _byIdentity = [];

    public DeliveryHarness(DeliveryOptions? options = null)
    {
        Output = new RecordingDelivery(identity => _byIdentity.TryGetValue(identity, out DsMember? m) ? m.Name : identity[..8]);
        Service = new DeliveryService((options ?? new DeliveryOptions()) with { Time = Time }, Gate, Output);
    }

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public object Gate { get; } = new();

    public RecordingDelivery Output { get; }

    public DeliveryService Service { get; }

    /// <summary>A connected member that has published <paramref name="oneTime"/> key packages and a last resort.</summary>
    public DsMember Member(string name, int oneTime = 8, bool connect = true, bool lastResort = true)
    {
        var member = new DsMember(name);
        _byIdentity[member.Identity] = member;
        Publish(member, oneTime, lastResort);
        if (connect)
        {
            Service.LinkUp(member.Identity);
        }

        return member;
    }

    public void Publish(DsMember member, int oneTime, bool lastResort = true)
    {
        for (int i = 0; i < oneTime; i++)
        {
            Service.TryOfferKeyPackage(member.Identity, member.PublicKey, member.NewKeyPackage(Time), lastResort: false, out string failure).ShouldBeTrue(failure);
        }

        if (lastResort)
        {
            Service.TryOfferKeyPackage(member.Identity, member.PublicKey, member.NewKeyPackage(Time), lastResort: true, out string failure).ShouldBeTrue(failure);
        }
    }

    /// <summary>The first member founds <paramref name="room"/>; the others enter and are added by the tasks they cause, one commit each.</summary>
    public DeliveryGroup Form(string room, params DsMember[] members)
    {
        Service.EnterRoom(room, members[0].Identity).Founder.ShouldBeTrue();
        members[0].Found(Service.Find(GroupKey.ForRoom(room))!.GroupId, Time);
        foreach (DsMember joiner in members.Skip(1))
        {
            Service.EnterRoom(room, joiner.Identity);
            CarryOutTask(room);
        }

        Output.Take();
        return Service.Find(GroupKey.ForRoom(room))!;
    }

    /// <summary>The designated member commits the open task of <paramref name="room"/>; every member processes it, the joiners join.</summary>
    public CommitVerdict CarryOutTask(string room)
    {
        DeliveryGroup group = Service.Find(GroupKey.ForRoom(room))!;
        GroupTask task = group.Task.ShouldNotBeNull();
        DsMember designee = _byIdentity[task.Designee];
        List<uint> removals = [.. task.Removals.Select(r => (uint)group.Roster.LeafOf(r))];
        (byte[] commit, byte[] welcome, PendingCommit pending) = designee.BuildCommit(removals, [.. task.Joiners.Select(j => j.KeyPackage!.Message)], Time);
        List<DsMember> others = [.. group.Roster.Members.Where(m => m != designee.Identity && !task.Removals.Contains(m)).Select(m => _byIdentity[m])];
        CommitVerdict verdict = Service.Commit(GroupKey.ForRoom(room), designee.Identity, commit, welcome);
        verdict.Status.ShouldBe(Engine.Protocol.CommitStatus.Accepted, verdict.Failure);
        designee.State = pending.Merge();
        foreach (DsMember other in others)
        {
            other.Process(commit, Time);
        }

        foreach (PendingJoiner joiner in verdict.Added)
        {
            _byIdentity[joiner.Identity].Join(welcome, joiner.KeyPackage!.Message);
        }

        return verdict;
    }

    /// <summary>The identities of the leaves of <paramref name="member"/>'s own tree, by leaf index (null for a blank leaf), as the hub spells identities.</summary>
    public static List<string?> TreeIdentities(DsMember member)
    {
        var tree = member.State!.Tree;
        List<string?> leaves = [.. Enumerable.Range(0, (int)tree.LeafCount).Select(i => tree.GetLeaf((uint)i) is LeafNode leaf
            ? Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(leaf.Credential.Identity))
            : null)];
        while (leaves.Count > 0 && leaves[^1] is null)
        {
            leaves.RemoveAt(leaves.Count - 1);
        }

        return leaves;
    }
}
