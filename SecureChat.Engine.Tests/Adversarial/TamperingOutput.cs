using System.Collections.Concurrent;
using SecureChat.Engine.Hub;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// A malicious hub's output to one member: it stands in for the member's link output in a real hub and passes every
/// record on, except that a test decides what becomes of each CommitRelay (<see cref="OnCommitRelay"/>: pass, hold,
/// drop, send later in another order) and sees every GroupRelay (<see cref="GroupRelays"/>, and copies to
/// <see cref="CopyGroupRelaysTo"/>). Thread-safe as the output it wraps.
/// </summary>
internal sealed class TamperingOutput(IMemberOutput inner) : IMemberOutput
{
    public IMemberOutput Inner { get; } = inner;

    /// <summary>Decides each CommitRelay: true passes it on now; false keeps it from the member (the test may send it later through <see cref="Inner"/>).</summary>
    public Func<CommitRelayRecord, bool> OnCommitRelay { get; set; } = _ => true;

    /// <summary>Every CommitRelay the hub gave this member, in order, whether passed on or not.</summary>
    public ConcurrentQueue<CommitRelayRecord> CommitRelays { get; } = new();

    /// <summary>Every GroupRelay the hub gave this member, in order.</summary>
    public ConcurrentQueue<GroupRelayRecord> GroupRelays { get; } = new();

    /// <summary>Another member's output that also gets each GroupRelay: a member the hub added without a commit.</summary>
    public IMemberOutput? CopyGroupRelaysTo { get; set; }

    public void SendPresence(int subject, PresenceKind kind, string room, ReadOnlySpan<byte> digest, string name, byte flags, string text) =>
        Inner.SendPresence(subject, kind, room, digest, name, flags, text);

    public void SendRoomEvent(RoomNoticeKind kind, string room, ReadOnlySpan<byte> actor, string actorName, ReadOnlySpan<byte> target, string targetName, string text) =>
        Inner.SendRoomEvent(kind, room, actor, actorName, target, targetName, text);

    public void SendRoomInfo(RoomNoticeKind kind, string room, byte flags, uint members, string topic, byte[]? groupId = null) =>
        Inner.SendRoomInfo(kind, room, flags, members, topic, groupId);

    public void SendGroupTask(GroupTaskRecord task) => Inner.SendGroupTask(task);

    public void SendCommitResult(CommitResultRecord result) => Inner.SendCommitResult(result);

    public void SendCommitRelay(CommitRelayRecord relay)
    {
        CommitRelays.Enqueue(relay);
        if (OnCommitRelay(relay))
        {
            Inner.SendCommitRelay(relay);
        }
    }

    public void SendWelcomeRelay(WelcomeRelayRecord relay) => Inner.SendWelcomeRelay(relay);

    public bool SendGroupRelay(GroupRelayRecord relay)
    {
        GroupRelays.Enqueue(relay);
        CopyGroupRelaysTo?.SendGroupRelay(relay);
        return Inner.SendGroupRelay(relay);
    }

    public void SendKeyPackageRelay(KeyPackageRelayRecord relay) => Inner.SendKeyPackageRelay(relay);

    public void SendReply(ReplyCode code, byte op, string room, ReadOnlySpan<byte> digest, string name, string text) =>
        Inner.SendReply(code, op, room, digest, name, text);
}
