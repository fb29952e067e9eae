using System.Collections.Concurrent;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Tests.Support;

/// <summary>
/// An owner of either side's group records that keeps each one it is handed, in order, as (type, record). Thread-safe.
/// </summary>
internal sealed class GroupRecordRecorder : IHubGroupRecords, IMemberGroupRecords
{
    public ConcurrentQueue<(FrameType Type, object Record)> Received { get; } = new();

    public List<T> Of<T>() => [.. Received.Select(r => r.Record).OfType<T>()];

    public void KeyPackagesReceived(KeyPackagesRecord record) => Received.Enqueue((FrameType.KeyPackages, record));

    public void GroupCommitReceived(GroupCommitRecord record) => Received.Enqueue((FrameType.GroupCommit, record));

    public void GroupMessageReceived(GroupMessageRecord record) => Received.Enqueue((FrameType.GroupMessage, record));

    public void GroupTaskReceived(GroupTaskRecord record) => Received.Enqueue((FrameType.GroupTask, record));

    public void CommitResultReceived(CommitResultRecord record) => Received.Enqueue((FrameType.CommitResult, record));

    public void CommitRelayReceived(CommitRelayRecord record) => Received.Enqueue((FrameType.CommitRelay, record));

    public void WelcomeRelayReceived(WelcomeRelayRecord record) => Received.Enqueue((FrameType.WelcomeRelay, record));

    public void GroupRelayReceived(GroupRelayRecord record) => Received.Enqueue((FrameType.GroupRelay, record));

    public void KeyPackageRelayReceived(KeyPackageRelayRecord record) => Received.Enqueue((FrameType.KeyPackageRelay, record));

    /// <summary>Hands every <see cref="GroupRecordEvent"/> among <paramref name="events"/> to this recorder, as a link's dispatch does.</summary>
    public static void DeliverAll(IEnumerable<Engine.Session.SessionEvent> events)
    {
        foreach (GroupRecordEvent e in events.OfType<GroupRecordEvent>())
        {
            e.Deliver();
        }
    }
}
