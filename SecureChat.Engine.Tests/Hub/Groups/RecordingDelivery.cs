using SecureChat.Engine.Hub.Groups;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Tests.Hub.Groups;

/// <summary>
/// The delivery service's output written down as readable lines with member names (e.g. <c>Task Alice epoch=0
/// removals=[] joiners=[Bob]</c>), and the last task, relays and welcomes kept as bytes for the members to use.
/// Not thread-safe (the service calls it under its gate).
/// </summary>
internal sealed class RecordingDelivery(Func<string, string> name) : IDeliveryOutput
{
    private readonly List<string> _lines = [];

    public Dictionary<string, List<byte[]>> Commits { get; } = [];

    public Dictionary<string, byte[]> Welcomes { get; } = [];

    public GroupTask? LastTask { get; private set; }

    public List<string> Take()
    {
        List<string> lines = [.. _lines];
        _lines.Clear();
        return lines;
    }

    public void Founded(string identity, GroupKey group, byte[] groupId) => _lines.Add($"Founded {name(identity)} {group.RoomKey}");

    public void Task(string identity, GroupKey group, byte[] groupId, ulong epoch, GroupTask task)
    {
        LastTask = task;
        _lines.Add($"Task {name(identity)} epoch={epoch} removals=[{string.Join(",", task.Removals.Select(name))}] joiners=[{string.Join(",", task.Joiners.Select(j => name(j.Identity)))}]");
    }

    public void CommitResult(string identity, GroupKey group, CommitStatus status, byte[] groupId, ulong epoch) =>
        _lines.Add($"Result {name(identity)} {status} epoch={epoch}");

    public void CommitRelay(string identity, GroupKey group, string committer, byte[] commit)
    {
        _lines.Add($"CommitRelay {name(identity)} from {name(committer)}");
        if (!Commits.TryGetValue(identity, out List<byte[]>? list))
        {
            Commits[identity] = list = [];
        }

        list.Add(commit);
    }

    public void WelcomeRelay(string identity, GroupKey group, string committer, byte[] welcome)
    {
        _lines.Add($"Welcome {name(identity)} from {name(committer)}");
        Welcomes[identity] = welcome;
    }

    public void FewKeyPackages(string identity, int count) => _lines.Add($"Few {name(identity)} {count}");
}
