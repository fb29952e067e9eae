using System.Globalization;
using SecureChat.Engine.Transport;

namespace SecureChat.Tui.App;

/// <summary>What the chat says about rooms, direct messages, the hub's answers, away and ignore (both modes alike).</summary>
internal abstract partial class ChatWords
{
    private static string Count(long n, string one, string many) =>
        $"{n.ToString("N0", CultureInfo.InvariantCulture)} {(n == 1 ? one : many)}";

    private static string Reason(string text) => text.Length > 0 ? ": " + text : string.Empty;

    /// <summary>This side is now in a room.</summary>
    public ChatLine Entered(string room, long members, string topic, bool op, bool inviteOnly) => ChatLine.Of(
        "entered",
        $"you are in {room} ({Count(members, "person", "people")}{(inviteOnly ? ", invite only" : string.Empty)}{(op ? ", you are an operator" : string.Empty)})" +
        (topic.Length > 0 ? $"; topic: {topic}" : string.Empty),
        ChatLine.Field("room", room),
        ChatLine.Field("members", (int)Math.Min(members, int.MaxValue)),
        ChatLine.Field("operator", op),
        ChatLine.Field("invite_only", inviteOnly),
        ChatLine.Field("topic", topic));

    /// <summary>One room of a <c>/list</c> answer.</summary>
    public ChatLine Listed(string room, long members, string topic, bool inviteOnly) => ChatLine.Of(
        "listed",
        $"  {room}: {Count(members, "person", "people")}{(inviteOnly ? ", invite only" : string.Empty)}{(topic.Length > 0 ? " - " + topic : string.Empty)}",
        ChatLine.Field("room", room),
        ChatLine.Field("members", (int)Math.Min(members, int.MaxValue)),
        ChatLine.Field("invite_only", inviteOnly),
        ChatLine.Field("topic", topic));

    public ChatLine ListEnd(long rooms) => ChatLine.Of("list_end", $"{Count(rooms, "room", "rooms")} on this hub", ChatLine.Field("count", (int)Math.Min(rooms, int.MaxValue)));

    /// <summary>Someone (or this side, <paramref name="self"/>) left a room.</summary>
    public ChatLine Parted(string name, string? identity, string room, string reason, bool self) => ChatLine.Of(
        "part",
        (self ? $"you left {room}" : $"{name} left {room}") + Reason(reason),
        ChatLine.Field("room", room),
        ChatLine.Field("from", name),
        ChatLine.Field("identity", identity),
        ChatLine.Field("reason", reason));

    /// <summary>A room event: who did what to whom, and why.</summary>
    public ChatLine RoomEvent(RoomNotice n, string actor, string target) => ChatLine.Of(
        n.Kind.ToString().ToLowerInvariant(),
        n.Kind switch
        {
            RoomNoticeKind.Topic when n.Text.Length == 0 => $"{actor} cleared the topic of {n.Room}",
            RoomNoticeKind.Topic => $"{actor} set the topic of {n.Room}: {n.Text}",
            RoomNoticeKind.Mode when n.Text == "+i" => $"{actor} made {n.Room} invite only (+i)",
            RoomNoticeKind.Mode when n.Text == "-i" => $"{actor} opened {n.Room} to everyone (-i)",
            RoomNoticeKind.Mode => $"{actor} set the mode of {n.Room} to {n.Text}",
            RoomNoticeKind.Kicked => $"{actor} kicked {target} from {n.Room}{Reason(n.Text)}",
            RoomNoticeKind.Banned => $"{actor} banned {target} from {n.Room}{Reason(n.Text)}",
            RoomNoticeKind.Unbanned => $"{actor} lifted the ban on {target} in {n.Room}",
            RoomNoticeKind.Muted => $"{actor} muted {target} in {n.Room}",
            RoomNoticeKind.Unmuted => $"{actor} unmuted {target} in {n.Room}",
            RoomNoticeKind.Opped => $"{actor} made {target} an operator of {n.Room}",
            RoomNoticeKind.Deopped => $"{actor} took operator from {target} in {n.Room}",
            RoomNoticeKind.Invited => $"{actor} invited you to {n.Room}: /join {n.Room} to enter",
            _ => $"{actor}: {n.Kind} {target} in {n.Room}",
        },
        ChatLine.Field("room", n.Room),
        ChatLine.Field("actor", actor),
        ChatLine.Field("actor_identity", n.ActorIdentity),
        ChatLine.Field("target", target),
        ChatLine.Field("target_identity", n.TargetIdentity),
        ChatLine.Field("reason", n.Text));

    /// <summary>The hub refused (or confirmed) something this side sent; <paramref name="name"/> is the person it names, made safe.</summary>
    public ChatLine Reply(HubReply r, string name)
    {
        string what = r.Op switch
        {
            null when r.ForDirect => $"message to {Or(name, "them")} not delivered",
            null => $"message to {Or(r.Room, "the room")} not delivered",
            RoomOp.Join => $"cannot join {r.Room}",
            RoomOp.Part => $"cannot leave {r.Room}",
            RoomOp.List => "cannot list the rooms",
            RoomOp.Topic => $"cannot set the topic of {r.Room}",
            RoomOp.Mode => $"cannot set the mode of {r.Room}",
            RoomOp op => $"cannot {op.ToString().ToLowerInvariant()} {Or(name, "them")}{(r.Room.Length > 0 ? " in " + r.Room : string.Empty)}",
        };
        string why = r.Code switch
        {
            ReplyCode.NoSuchName => $"nobody called {Or(name, "that")} is on the hub",
            ReplyCode.NotConnected => $"{Or(name, "they")} {(name.Length > 0 ? "is" : "are")} not connected",
            ReplyCode.NotMember when r.Op is RoomOp.Kick or RoomOp.Mute or RoomOp.Unmute or RoomOp.Op or RoomOp.Deop => $"{Or(name, "they")} {(name.Length > 0 ? "is" : "are")} not in {Or(r.Room, "that room")} (or you are not)",
            ReplyCode.NotMember => $"you are not in {Or(r.Room, "that room")}",
            ReplyCode.NotOperator => $"you are not an operator of {Or(r.Room, "that room")}",
            ReplyCode.Banned => $"you are banned from {Or(r.Room, "that room")}",
            ReplyCode.InviteOnly => $"{Or(r.Room, "the room")} is invite only: an operator can /invite you",
            ReplyCode.Muted => $"you are muted in {Or(r.Room, "that room")}: nobody got it",
            ReplyCode.BadRoomName => "a room's name is # and a name without spaces, for example #dev",
            ReplyCode.TooManyRooms => "too many rooms (64 per person, 4,096 per hub)",
            ReplyCode.RateLimited => "too many requests: wait a moment and try again",
            ReplyCode.CannotTarget => "the hub's operator cannot be kicked, banned or muted, and nobody can kick or ban themselves",
            _ => r.Code.ToString(),
        };
        return ChatLine.Error($"{what}: {why}{(r.Text.Length > 0 ? $" ({r.Text})" : string.Empty)}") with
        {
            Event = "refused",
            Fields = r.Room.Length > 0
                ? [ChatLine.Field("code", r.Code.ToString()), ChatLine.Field("room", r.Room), ChatLine.Field("name", name), ChatLine.Field("identity", r.Identity)]
                : [ChatLine.Field("code", r.Code.ToString()), ChatLine.Field("name", name), ChatLine.Field("identity", r.Identity)],
        };

        static string Or(string value, string fallback) => value.Length > 0 ? value : fallback;
    }

    /// <summary>The hub delivered an invitation.</summary>
    public ChatLine Invited(string name, string room) => ChatLine.Of("invited", $"invited {name} to {room}", ChatLine.Field("room", room), ChatLine.Field("name", name));

    /// <summary>A query window opened or was named: who it is with, by identity, and how far that identity is trusted.</summary>
    public ChatLine QueryWith(string name, string identity, string trust) => ChatLine.Of(
        "query",
        $"talking with {name}, identity {identity} ({trust}); messages go to this identity whatever its name",
        ChatLine.Field("name", name),
        ChatLine.Field("identity", identity),
        ChatLine.Field("trust", trust));

    public ChatLine Topic(string room, string topic) => ChatLine.Of(
        "topic", topic.Length > 0 ? $"topic of {room}: {topic}" : $"{room} has no topic", ChatLine.Field("room", room), ChatLine.Field("topic", topic));

    public ChatLine RoomNames(string room, IReadOnlyList<RoomMember> members, string ownName) => ChatLine.Notice(
        $"in {room}: {string.Join(", ", members.Select(m => (m.Operator ? "@" : string.Empty) + m.Name + (m.Muted ? " (muted)" : string.Empty) + (string.Equals(m.Name, ownName, StringComparison.Ordinal) ? " (you)" : string.Empty)))}") with
    {
        Event = "names",
        Fields = [ChatLine.Field("room", room), ChatLine.Field("names", members.Select(m => m.Name).ToArray())],
    };

    public ChatLine Away(string message) => ChatLine.Of("away", $"you are marked away: {message}; messages that name you are kept for when you are back (/away)", ChatLine.Field("message", message));

    public ChatLine Back(int named) => ChatLine.Of(
        "back", named == 0 ? "you are back; nothing named you while you were away" : $"you are back; {Count(named, "message", "messages")} named you while you were away:", ChatLine.Field("count", named));

    public ChatLine Ignored(string name, string identity) => ChatLine.Of(
        "ignore", $"ignoring {name} ({identity}): their messages in rooms and direct messages are not shown, under any name", ChatLine.Field("name", name), ChatLine.Field("identity", identity));

    public ChatLine Unignored(string name, string identity) => ChatLine.Of(
        "unignore", $"no longer ignoring {name} ({identity})", ChatLine.Field("name", name), ChatLine.Field("identity", identity));

    public ChatLine IgnoreList(IReadOnlyList<string> people) => ChatLine.Of(
        "ignored", people.Count == 0 ? "you ignore nobody" : "ignored: " + string.Join(", ", people), ChatLine.Field("count", people.Count));

    public ChatLine NoSuchPerson(string name) => ChatLine.Error($"nobody called {name} is in your rooms or queries (/names lists who is)");

    public ChatLine NotInRoom(string room) => ChatLine.Error($"you are not in {room} (/join {room} to enter)");

    public ChatLine NoRoomHere(string command) => ChatLine.Error($"{command}: this window is not a room; name one, or use it in a room's window");

    public ChatLine BadRoom(string text) => ChatLine.Error($"not a room's name: {text} (a room is # and a name without spaces, for example #dev)");

    public ChatLine WindowSwitchHeadless() => ChatLine.Error("/window: headless mode has no windows; every line names its window, and plain lines go to the room you joined last (/join #room chooses it)");
}
