using System.Text;
using SecureChat.Engine.Hub;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Hub;

/// <summary>
/// A member's output that writes down each record the hub sends it as one readable line (names instead of digests),
/// e.g. <c>Presence Joined #lobby Bob flags=0 ''</c>, <c>Relay #lobby Alice: hi</c>, <c>Reply NotMember Chat #x</c>.
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

    public bool SendRelay(string room, ReadOnlySpan<byte> digest, string name, string text) =>
        Add($"Relay {room} {name}({whose(digest.ToArray())}): {text}") && Accepts;

    public void SendPresence(int subject, PresenceKind kind, string room, ReadOnlySpan<byte> digest, string name, byte flags, string text) =>
        Add($"Presence {kind} {room} {name}({whose(digest.ToArray())}) flags={flags} '{text}'".Replace("  ", " ", StringComparison.Ordinal));

    public bool SendDirectRelay(ReadOnlySpan<byte> digest, string name, string text) =>
        Add($"Direct {name}({whose(digest.ToArray())}): {text}") && Accepts;

    public void SendRoomEvent(RoomNoticeKind kind, string room, ReadOnlySpan<byte> actor, string actorName, ReadOnlySpan<byte> target, string targetName, string text) =>
        Add($"Event {kind} {room} by {actorName}({whose(actor.ToArray())}) on {targetName}({whose(target.ToArray())}) '{text}'");

    public void SendRoomInfo(RoomNoticeKind kind, string room, byte flags, uint members, string topic) =>
        Add($"Info {kind} {room} flags={flags} members={members} '{topic}'");

    public void SendReply(ReplyCode code, byte op, string room, ReadOnlySpan<byte> digest, string name, string text) =>
        Add($"Reply {code} {OpName(op)} {room} {name}({whose(digest.ToArray())})");

    private static string OpName(byte op) => op switch
    {
        HubRouter.ChatOp => "Chat",
        HubRouter.DirectOp => "Direct",
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
