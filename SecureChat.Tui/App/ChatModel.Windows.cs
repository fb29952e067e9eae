using SecureChat.Engine.Chat;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Transport;

namespace SecureChat.Tui.App;

/// <summary>
/// What the hub says, sorted into windows: room messages and room notices to their room's window, direct messages
/// to the query window of the sender's identity, everything else to the status window; the rooms' member lists
/// follow the presence notices (a leave or a rename applies to every room).
/// </summary>
internal sealed partial class ChatModel
{
    private readonly WindowTable _windows = new();

    /// <summary>The rooms a <c>/join</c> asked for (by key), which become where plain lines go once entered.</summary>
    private readonly HashSet<string> _joinAsked = [];

    /// <summary>Who ignored people are, by identity fingerprint (the lock guards it).</summary>
    private readonly HashSet<string> _ignored = new(StringComparer.Ordinal);

    /// <summary>Messages that named this side's user (or came directly) while away; null while not away.</summary>
    private List<ChatLine>? _awayLog;

    private string? _awayMessage;

    /// <summary>The windows open now, the status window first. Any thread.</summary>
    public IReadOnlyList<WindowInfo> Windows
    {
        get
        {
            lock (_gate)
            {
                return [.. _windows.Windows];
            }
        }
    }

    /// <summary>The names in the room of window <paramref name="key"/> (Tab completion there); everyone known for another window. Any thread.</summary>
    public IReadOnlyList<string> MembersOf(string key)
    {
        lock (_gate)
        {
            return key.StartsWith('#') && _windows.Room(key) is { } room ? room.Names : [.. _members.Keys];
        }
    }

    /// <summary>The away message while the user is marked away (<c>/away</c>), else null. Any thread.</summary>
    public string? AwayMessage
    {
        get
        {
            lock (_gate)
            {
                return _awayMessage;
            }
        }
    }

    private void OnMessageReceived(ChatMessage message) => Locked(() =>
    {
        if (message.SenderIdentity is { } sender && _ignored.Contains(sender))
        {
            return;
        }

        string name = SafeText.Name(message.Sender);
        string window = WindowInfo.StatusKey;
        if (message.Direct && message.SenderIdentity is { } identity)
        {
            MemberSeen(name, identity, message.SenderDigest);
            window = OpenQuery(identity, name, TrustWordOf(identity));
        }
        else if (!message.Direct)
        {
            MemberSeen(name, message.SenderIdentity, message.SenderDigest);
            window = RoomWindow(WindowTable.Shown(message.Room ?? ChatEndpoint.Lobby));
        }

        ChatLine line = _words.Message(message with { Via = Shown(message.Via) }, fromOperator: !IsServer && !message.Relayed) with
        {
            Window = window,
            Mention = Mentions.Names(message.Text, _ownName),
        };
        _view.Show(line);
        if (_awayLog is not null && (line.Mention || message.Direct))
        {
            _awayLog.Add(line);
        }
    });

    private void OnPresenceChanged(PresenceNotice notice) => Locked(() =>
    {
        PresenceNotice shown = notice with
        {
            Name = SafeText.Name(notice.Name),
            NewName = notice.NewName.Length == 0 ? string.Empty : SafeText.Name(notice.NewName),
            Peer = Shown(notice.Peer),
            Text = SafeText.OneLine(notice.Text),
            Room = notice.Room is null ? null : WindowTable.Shown(notice.Room),
        };
        switch (shown.Kind)
        {
            case PresenceKind.Joined or PresenceKind.Member when shown.Operator && shown.Room is null:
                // A client learns who operates its server (proved in the handshake): news about the hub. The
                // operator is in the lobby, and an operator of every room.
                _members[shown.Name] = shown.Identity;
                MemberSeen(shown.Name, shown.Identity, shown.IdentityDigest);
                _windows.Room(RoomWindow(ChatEndpoint.Lobby))?.Add(new RoomMember(shown.Name, shown.Identity, Operator: true));
                _view.Show(_words.Presence(shown));
                break;
            case PresenceKind.Joined or PresenceKind.Member:
                _members[shown.Name] = shown.Identity;
                MemberSeen(shown.Name, shown.Identity, shown.IdentityDigest);
                string room = RoomWindow(shown.Room ?? ChatEndpoint.Lobby);
                _windows.Room(room)?.Add(new RoomMember(shown.Name, shown.Identity, shown.RoomOperator, shown.Muted));
                _view.Show(_words.Presence(shown) with { Window = room });
                break;
            case PresenceKind.Parted:
                Parted(shown);
                break;
            case PresenceKind.Left:
                _members.Remove(shown.Name);
                ShowInRoomsOf(shown.Name, shown.Identity, _words.Presence(shown), r => r.Remove(shown.Name));
                break;
            case PresenceKind.Away or PresenceKind.Back:
                // The person stays a member of its rooms and groups (PROTOCOL.md 4.8): only said where they are.
                ShowInRoomsOf(shown.Name, shown.Identity, _words.Presence(shown), r => r.Contains(shown.Name));
                break;
            case PresenceKind.Renamed:
                _members.Remove(shown.Name, out string? known);
                _members[shown.NewName] = shown.Identity ?? known;
                MemberSeen(shown.NewName, shown.Identity, shown.IdentityDigest);
                if (shown.Identity is { } renamed && _windows.Query(renamed) is { } query && _windows.OpenQuery(renamed, shown.NewName, TrustWordOf(renamed)) is { } retitled)
                {
                    _view.OpenWindow(retitled);
                }

                ShowInRoomsOf(shown.Name, shown.Identity, _words.Presence(shown), r => r.Rename(shown.Name, shown.NewName, shown.Identity));
                break;
            default:
                _view.Show(_words.Presence(shown));
                break;
        }
    });

    /// <summary>Someone left a room; when it is this side, the room's window closes and the status window says so.</summary>
    private void Parted(PresenceNotice shown)
    {
        string room = shown.Room ?? ChatEndpoint.Lobby;
        if (IsSelf(shown.Name, shown.Identity))
        {
            LeaveRoom(room, _words.Parted(shown.Name, shown.Identity, _windows.RoomWindow(room) ?? room, shown.Text, self: true));
            return;
        }

        string window = RoomWindow(room);
        _windows.Room(room)?.Remove(shown.Name);
        _view.Show(_words.Parted(shown.Name, shown.Identity, window, shown.Text, self: false) with { Window = window });
    }

    /// <summary>
    /// A line about someone who left the hub or was renamed: shown once in each room they were in (and their query),
    /// <paramref name="change"/> applied to each such room; in the status window when they were in none.
    /// </summary>
    private void ShowInRoomsOf(string name, string? identity, ChatLine line, Func<RoomState, bool> change)
    {
        List<string> windows = [.. _windows.Rooms.Where(change).Select(r => r.Name)];
        if (identity is not null && _windows.Query(identity) is { } query)
        {
            windows.Add(query.Key);
        }

        if (windows.Count == 0)
        {
            windows.Add(WindowInfo.StatusKey);
        }

        foreach (string window in windows)
        {
            _view.Show(line with { Window = window });
        }
    }

    private void OnRoomChanged(RoomNotice notice) => Locked(() =>
    {
        RoomNotice n = notice with { Room = WindowTable.Shown(notice.Room), Text = SafeText.OneLine(notice.Text) };
        string actor = SafeText.Name(n.Actor);
        bool self = n.Target.Length > 0 && IsSelf(n.Target, n.TargetIdentity);
        string target = self ? "you" : SafeText.Name(n.Target);
        RoomState? room = _windows.Room(n.Room);
        switch (n.Kind)
        {
            case RoomNoticeKind.Entered:
                Entered(n);
                return;
            case RoomNoticeKind.Listed:
                _view.Show(_words.Listed(n.Room, n.Members, n.Text, n.InviteOnly));
                return;
            case RoomNoticeKind.ListEnd:
                _view.Show(_words.ListEnd(n.Members));
                return;
            case RoomNoticeKind.Invited:
                _view.Show(_words.RoomEvent(n, actor, target));
                return;
            case RoomNoticeKind.Kicked or RoomNoticeKind.Banned when self:
                LeaveRoom(n.Room, _words.RoomEvent(n, actor, target));
                return;
            case RoomNoticeKind.Kicked or RoomNoticeKind.Banned:
                room?.Remove(n.Target);
                break;
            case RoomNoticeKind.Topic when room is not null:
                room.Topic = n.Text;
                break;
            case RoomNoticeKind.Mode when room is not null:
                room.InviteOnly = n.Text == "+i";
                break;
            case RoomNoticeKind.Muted or RoomNoticeKind.Unmuted:
                room?.Update(n.Target, m => m with { Muted = n.Kind == RoomNoticeKind.Muted });
                break;
            case RoomNoticeKind.Opped or RoomNoticeKind.Deopped:
                room?.Update(n.Target, m => m with { Operator = n.Kind == RoomNoticeKind.Opped });
                if (self && room is not null)
                {
                    room.Operator = n.Kind == RoomNoticeKind.Opped;
                }

                break;
        }

        _view.Show(_words.RoomEvent(n, actor, target) with { Window = room?.Name ?? WindowInfo.StatusKey });
    });

    /// <summary>This side is in a room now: its window opens (plain lines go there when a /join asked for it).</summary>
    private void Entered(RoomNotice n)
    {
        (RoomState room, WindowInfo? opened) = _windows.Enter(n.Room);
        room.Clear(); // its members follow, as the hub counts them now
        room.Topic = n.Text;
        room.InviteOnly = n.InviteOnly;
        room.Operator = n.Operator;
        if (opened is not null)
        {
            _view.OpenWindow(opened);
        }

        if (_joinAsked.Remove(WindowTable.RoomKey(n.Room)))
        {
            _windows.Choose(room.Name);
        }

        _view.Show(_words.Entered(room.Name, n.Members, room.Topic, room.Operator, room.InviteOnly) with { Window = room.Name });
        RoomsChanged();
    }

    /// <summary>This side left a room (parted, kicked, banned): its window closes, and <paramref name="line"/> says why in the status window.</summary>
    private void LeaveRoom(string room, ChatLine line)
    {
        if (_windows.Leave(room) is { } left)
        {
            _view.CloseWindow(left.Name);
            RoomsChanged();
        }

        _view.Show(line with { Window = WindowInfo.StatusKey });
    }

    private void OnReplied(HubReply reply) => Locked(() =>
    {
        string name = reply.Name.Length > 0 ? SafeText.Name(reply.Name) : string.Empty;
        string room = WindowTable.Shown(reply.Room);
        if (reply.ForDirect)
        {
            DirectReplied(reply, name);
            return;
        }

        string window = _windows.RoomWindow(room) ?? WindowInfo.StatusKey;
        if (reply.Op == RoomOp.Join && reply.Code != ReplyCode.Done)
        {
            _joinAsked.Remove(WindowTable.RoomKey(room)); // refused: a later entry (an invitation's) is not this /join's
        }

        if (reply.Code == ReplyCode.Done)
        {
            if (reply.Op == RoomOp.Invite)
            {
                _view.Show(_words.Invited(name, room) with { Window = window });
            }

            return;
        }

        _view.Show(_words.Reply(reply with { Room = room }, name) with { Window = window });
    });

    /// <summary>The window of a room this side is in; the lobby's opens with its first line (a hub that never says it entered it).</summary>
    private string RoomWindow(string room)
    {
        if (_windows.RoomWindow(room) is { } window)
        {
            return window;
        }

        if (WindowTable.RoomKey(room) != WindowTable.RoomKey(ChatEndpoint.Lobby))
        {
            return WindowInfo.StatusKey;
        }

        (RoomState lobby, WindowInfo? opened) = _windows.Enter(ChatEndpoint.Lobby);
        if (opened is not null)
        {
            _view.OpenWindow(opened);
        }

        return lobby.Name;
    }

    /// <summary>Opens (or renames) the query with <paramref name="identity"/>; returns its key. Under the lock.</summary>
    private string OpenQuery(string identity, string name, string trust)
    {
        bool isNew = _windows.Query(identity) is null;
        if (_windows.OpenQuery(identity, name, trust) is { } window)
        {
            _view.OpenWindow(window);
            if (isNew)
            {
                _view.Show(_words.QueryWith(name, identity, trust) with { Window = window.Key });
            }
        }

        return WindowInfo.QueryKey(identity);
    }

    /// <summary>Whether a notice's person is this side: by identity when both are known, else by name.</summary>
    private bool IsSelf(string name, string? identity) =>
        identity is not null && OwnIdentity is not null ? identity == OwnIdentity : NameRules.AreConfusable(name, _ownName);
}
