using SecureChat.Engine.Protocol;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Hub;

/// <summary>
/// The output of an away member (PROTOCOL.md 4.8, the away queue): the CommitRelays, WelcomeRelays and GroupRelays the
/// hub would have sent it, kept in order with the bytes of their <c>mls</c> counted; every other record is not for an
/// identity without a link and is not kept. When the member is back, <see cref="Release"/> sends what was kept to its
/// new output, and from then on everything goes there (a relay sealed outside the hub's lock after the release is not
/// lost). Thread-safe.
/// </summary>
internal sealed class AwayQueue : IMemberOutput
{
    private readonly object _gate = new();
    private readonly List<Action<IMemberOutput>> _kept = [];
    private IMemberOutput? _to;

    /// <summary>The <c>mls</c> bytes kept.</summary>
    public long Bytes { get; private set; }

    /// <summary>Records kept.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _kept.Count;
            }
        }
    }

    /// <summary>Sends every kept record to <paramref name="to"/>, in order, and forwards everything later there.</summary>
    public void Release(IMemberOutput to)
    {
        lock (_gate)
        {
            foreach (Action<IMemberOutput> send in _kept)
            {
                send(to);
            }

            _kept.Clear();
            Bytes = 0;
            _to = to;
        }
    }

    public void SendCommitRelay(CommitRelayRecord relay) => Keep(o => o.SendCommitRelay(relay), relay.Mls.Length);

    public void SendWelcomeRelay(WelcomeRelayRecord relay) => Keep(o => o.SendWelcomeRelay(relay), relay.Mls.Length);

    public bool SendGroupRelay(GroupRelayRecord relay)
    {
        lock (_gate)
        {
            if (_to is { } to)
            {
                return to.SendGroupRelay(relay);
            }

            _kept.Add(o => o.SendGroupRelay(relay));
            Bytes += relay.Mls.Length;
            return true;
        }
    }

    public bool SendRelay(string room, ReadOnlySpan<byte> digest, string name, string text) => Forwarded()?.SendRelay(room, digest, name, text) ?? false;

    public bool SendDirectRelay(ReadOnlySpan<byte> digest, string name, string text) => Forwarded()?.SendDirectRelay(digest, name, text) ?? false;

    public void SendPresence(int subject, PresenceKind kind, string room, ReadOnlySpan<byte> digest, string name, byte flags, string text) =>
        Forwarded()?.SendPresence(subject, kind, room, digest, name, flags, text);

    public void SendRoomEvent(RoomNoticeKind kind, string room, ReadOnlySpan<byte> actor, string actorName, ReadOnlySpan<byte> target, string targetName, string text) =>
        Forwarded()?.SendRoomEvent(kind, room, actor, actorName, target, targetName, text);

    public void SendRoomInfo(RoomNoticeKind kind, string room, byte flags, uint members, string topic, byte[]? groupId = null) =>
        Forwarded()?.SendRoomInfo(kind, room, flags, members, topic, groupId);

    public void SendGroupTask(GroupTaskRecord task) => Forwarded()?.SendGroupTask(task);

    public void SendCommitResult(CommitResultRecord result) => Forwarded()?.SendCommitResult(result);

    public void SendKeyPackageRelay(KeyPackageRelayRecord relay) => Forwarded()?.SendKeyPackageRelay(relay);

    public void SendReply(ReplyCode code, byte op, string room, ReadOnlySpan<byte> digest, string name, string text) =>
        Forwarded()?.SendReply(code, op, room, digest, name, text);

    private void Keep(Action<IMemberOutput> send, int bytes)
    {
        lock (_gate)
        {
            if (_to is { } to)
            {
                send(to);
                return;
            }

            _kept.Add(send);
            Bytes += bytes;
        }
    }

    private IMemberOutput? Forwarded()
    {
        lock (_gate)
        {
            return _to;
        }
    }
}
