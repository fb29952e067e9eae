using System.Text;
using SecureChat.Engine.Hub;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Hub;

/// <summary>
/// A member's output that writes down each record the hub sends it as one readable line (names instead of digests),
/// e.g. <c>Presence Joined #lobby Bob flags=0 ''</c>, <c>GroupRelay #lobby from Alice(i1)</c>, <c>Reply NotMember GroupMessage #x</c>.
/// Thread-safe.
/// </summary>
internal sealed class RecordingOutput(Func<byte[], string> whose) : IMemberOutput
{
    private readonly List<string> _lines = [];

    /// <summary>Relays report this (false: the link ended).</summary>
    public bool Accepts { get; set; } = true;

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>The lines recorded since the last call.</summary>
    public List<string> Take()
    {
        lock (_lines)
        {
            List<string> taken = [.. _lines];
            _lines.Clear();
            return taken;
        }
    }

    public void SendPresence(int subject, PresenceKind kind, string room, ReadOnlySpan<byte> digest, string name, byte flags, string text) =>
        Add($"Presence {kind} {room} {name}({whose(digest.ToArray())}) flags={flags} '{text}'".Replace("  ", " ", StringComparison.Ordinal));

    public void SendRoomEvent(RoomNoticeKind kind, string room, ReadOnlySpan<byte> actor, string actorName, ReadOnlySpan<byte> target, string targetName, string text) =>
        Add($"Event {kind} {room} by {actorName}({whose(actor.ToArray())}) on {targetName}({whose(target.ToArray())}) '{text}'");

    public void SendRoomInfo(RoomNoticeKind kind, string room, byte flags, uint members, string topic, byte[]? groupId = null)
    {
        if (groupId is not null)
        {
            GroupIds[room] = groupId;
        }

        Add($"Info {kind} {room} flags={flags & 3} members={members} '{topic}'{((flags & HubGroups.FounderFlag) != 0 ? " founder" : string.Empty)}");
    }

    /// <summary>The group id of each room as RoomInfo <c>entered</c> last told it.</summary>
    public Dictionary<string, byte[]> GroupIds { get; } = [];

    /// <summary>The group records received, in order (tasks, results, relays, welcomes, key packages).</summary>
    public List<object> GroupRecords { get; } = [];

    public void SendGroupTask(GroupTaskRecord task)
    {
        Keep(task);
        Add($"Task {task.Target} epoch={task.Epoch} removals=[{string.Join(",", task.Removals.Select(whose))}] joiners=[{string.Join(",", task.Joiners.Select(j => j.Name))}]");
    }

    public void SendCommitResult(CommitResultRecord result)
    {
        Keep(result);
        Add($"Result {result.Target} {result.Status} epoch={result.Epoch}");
    }

    public void SendCommitRelay(CommitRelayRecord relay)
    {
        Keep(relay);
        Add($"CommitRelay {relay.Target} from {relay.Name}({whose(relay.Digest)})");
    }

    public void SendWelcomeRelay(WelcomeRelayRecord relay)
    {
        Keep(relay);
        Add($"Welcome {relay.Target} from {relay.Name}({whose(relay.Digest)})");
    }

    public bool SendGroupRelay(GroupRelayRecord relay)
    {
        Keep(relay);
        return Add($"GroupRelay {relay.Target} from {relay.Name}({whose(relay.Digest)})") && Accepts;
    }

    public void SendKeyPackageRelay(KeyPackageRelayRecord relay)
    {
        Keep(relay);
        Add($"KeyPackage {relay.Name}({whose(relay.Digest)})");
    }

    /// <summary>The last group record of type <typeparamref name="T"/> received.</summary>
    public T Last<T>()
    {
        lock (_lines)
        {
            return GroupRecords.OfType<T>().Last();
        }
    }

    private void Keep(object record)
    {
        lock (_lines)
        {
            GroupRecords.Add(record);
        }
    }

    public void SendReply(ReplyCode code, byte op, string room, ReadOnlySpan<byte> digest, string name, string text) =>
        Add($"Reply {code} {OpName(op)} {room} {name}({whose(digest.ToArray())}){(text.Length > 0 && code == ReplyCode.FewKeyPackages ? " " + text : string.Empty)}");

    private static string OpName(byte op) => op switch
    {
        ReplyRecord.OpKeyPackages => "KeyPackages",
        HubGroups.GroupMessageOp => "GroupMessage",
        _ => ((RoomOp)op).ToString(),
    };

    private bool Add(string line)
    {
        lock (_lines)
        {
            _lines.Add(line);
        }

        return true;
    }
}
