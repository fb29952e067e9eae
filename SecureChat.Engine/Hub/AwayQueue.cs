using SecureChat.Engine.Chat;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Hub;

/// <summary>
/// The output of an away member (PROTOCOL.md 4.8, the away queue): the CommitRelays, WelcomeRelays and GroupRelays the
/// hub would have sent it, kept in order with the bytes of their <c>mls</c> counted per group (a room, or a direct
/// conversation); every other record is not for an identity without a link and is not kept. A group whose records
/// would pass <c>AwayQueueBytes</c> loses what was kept of it and keeps nothing more: the owner is told once
/// (<see cref="Overflowed"/>, outside the queue's lock) and removes the member from that room. When the member is
/// back, <see cref="Release"/> sends what was kept to its new output, and from then on everything goes there (a relay
/// sealed outside the hub's lock after the release is not lost). Thread-safe.
/// </summary>
internal sealed class AwayQueue(long bytesMax = long.MaxValue, Action<GroupTarget>? overflowed = null) : IMemberOutput
{
    private readonly object _gate = new();
    private readonly List<(GroupTarget Target, int Bytes, Action<IMemberOutput> Send)> _kept = [];
    private readonly Dictionary<GroupTarget, long> _bytes = [];
    private readonly HashSet<GroupTarget> _overflowed = [];
    private IMemberOutput? _to;

    /// <summary>The <c>mls</c> bytes kept, over all groups.</summary>
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

    /// <summary>The groups whose records passed the bound (their records dropped), in no particular order.</summary>
    public IReadOnlyCollection<GroupTarget> Overflowed
    {
        get
        {
            lock (_gate)
            {
                return [.. _overflowed];
            }
        }
    }

    /// <summary>Sends every kept record to <paramref name="to"/>, in order, and forwards everything later there.</summary>
    public void Release(IMemberOutput to)
    {
        lock (_gate)
        {
            foreach ((_, _, Action<IMemberOutput> send) in _kept)
            {
                send(to);
            }

            _kept.Clear();
            _bytes.Clear();
            Bytes = 0;
            _to = to;
        }
    }

    public void SendCommitRelay(CommitRelayRecord relay) => Keep(relay.Target, relay.Mls.Length, o => o.SendCommitRelay(relay));

    public void SendWelcomeRelay(WelcomeRelayRecord relay) => Keep(relay.Target, relay.Mls.Length, o => o.SendWelcomeRelay(relay));

    public bool SendGroupRelay(GroupRelayRecord relay) => Keep(relay.Target, relay.Mls.Length, o => o.SendGroupRelay(relay));

    /// <summary>Forwarded as it is once released (under this queue's lock, before the plaintext is wiped); kept as its record before that.</summary>
    public bool SendGroupRelay(GroupRelayPlaintext relay)
    {
        lock (_gate)
        {
            if (_to is { } to)
            {
                return to.SendGroupRelay(relay);
            }
        }

        return SendGroupRelay(relay.Record);
    }

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

    /// <summary>Keeps a group record, or sends it on once released; false only when the released-to output refused it.</summary>
    private bool Keep(GroupTarget target, int bytes, Func<IMemberOutput, bool> send)
    {
        bool passed;
        lock (_gate)
        {
            if (_to is { } to)
            {
                return send(to);
            }

            if (_overflowed.Contains(target))
            {
                return true; // the member leaves this room: nothing more of it is kept
            }

            long held = _bytes.GetValueOrDefault(target) + bytes;
            passed = held > bytesMax;
            if (passed)
            {
                Drop(target);
            }
            else
            {
                _kept.Add((target, bytes, o => send(o)));
                _bytes[target] = held;
                Bytes += bytes;
            }
        }

        if (passed)
        {
            overflowed?.Invoke(target);
        }

        return true;
    }

    private void Keep(GroupTarget target, int bytes, Action<IMemberOutput> send) =>
        Keep(target, bytes, o =>
        {
            send(o);
            return true;
        });

    /// <summary>Under the lock: a group past the bound loses what was kept of it and keeps nothing more.</summary>
    private void Drop(GroupTarget target)
    {
        _overflowed.Add(target);
        Bytes -= _bytes.GetValueOrDefault(target);
        _bytes.Remove(target);
        _kept.RemoveAll(k => k.Target.Equals(target));
    }

    private IMemberOutput? Forwarded()
    {
        lock (_gate)
        {
            return _to;
        }
    }
}
