using SecureChat.Engine.Chat;
using SecureChat.Engine.Transport;

namespace SecureChat.Tui.App;

/// <summary>
/// The commands about rooms and people (<c>/join</c>, <c>/part</c>, <c>/kick</c>, ...): each checks what it can
/// here, then asks the hub (<see cref="ChatEndpoint.Request"/>), whose answer comes back as a room notice or a reply.
/// A room argument may come first as <c>#room</c>; without it the command is about the room of the window it was
/// typed in. A name may hold spaces: the longest run of words that names someone known is the name.
/// </summary>
internal sealed partial class ChatModel
{
    /// <summary>The most words a name holds when it is read off the front of an argument.</summary>
    private const int NameWordsMax = 8;

    internal void Join(ChatCommand.Run c)
    {
        string room = c.Argument.Split(' ', 2)[0];
        if (!WindowTable.IsRoomName(room))
        {
            Say(room.Length == 0 ? ChatLine.Error(c.Command.UsageLine("for example: /join #dev")) : _words.BadRoom(room), c.Window);
            return;
        }

        bool already = false;
        Locked(() =>
        {
            if (_windows.RoomWindow(room) is { } window)
            {
                already = true;
                _windows.Choose(window);
            }
            else
            {
                _joinAsked.Add(WindowTable.RoomKey(room));
            }
        });
        if (already)
        {
            Say(ChatLine.Notice($"you are in {room} already"), c.Window);
            return;
        }

        Ask(new RoomRequest(RoomOp.Join, room), c.Window);
    }

    internal void Part(ChatCommand.Run c)
    {
        if (RoomOf(c) is { } room)
        {
            Ask(new RoomRequest(RoomOp.Part, room.Room, Text: room.Remainder), c.Window);
        }
    }

    internal void List(ChatCommand.Run c) => Ask(new RoomRequest(RoomOp.List, string.Empty), c.Window);

    /// <summary><c>/topic</c>: with no text, shows the topic this side knows; with text, asks to set it.</summary>
    internal void Topic(ChatCommand.Run c)
    {
        if (RoomOf(c) is not { } room)
        {
            return;
        }

        if (room.Remainder.Length > 0)
        {
            Ask(new RoomRequest(RoomOp.Topic, room.Room, Text: room.Remainder), c.Window);
            return;
        }

        Locked(() => _view.Show((_windows.Room(room.Room) is { } known ? _words.Topic(known.Name, known.Topic) : _words.NotInRoom(room.Room)) with { Window = Here(c.Window) }));
    }

    /// <summary>
    /// <c>/names</c>: the members of a room (its operators marked <c>@</c>; the hub's operator is one in every room),
    /// then each one's identity; outside a room, everyone heard of.
    /// </summary>
    internal void Names(ChatCommand.Run c)
    {
        string first = c.Argument.Split(' ', 2)[0];
        List<ChatLine> lines = [];
        string? server = IsServer ? null : _endpoint.Links.FirstOrDefault()?.Identity;
        Locked(() =>
        {
            string key = first.StartsWith('#') ? first : Here(c.Window);
            if (_windows.Room(key) is not { } room)
            {
                return;
            }

            RoomMember[] members = [.. room.Members];
            lines.Add(_words.RoomNames(room.Name, [new RoomMember(_ownName, OwnIdentity, room.Operator || IsServer), .. members.Where(m => !IsSelf(m.Name, m.Identity))], _ownName));
            lines.AddRange(members.Where(m => !IsSelf(m.Name, m.Identity)).Select(m => _words.MemberIdentity(m.Name, m.Identity, SourceOf(m.Identity), MemberTrustOf(m.Identity))));
        });
        if (lines.Count == 0 && first.StartsWith('#'))
        {
            Say(_words.NotInRoom(first), c.Window);
            return;
        }

        SayAll(lines.Count > 0 ? lines : NamesWithIdentities(), c.Window);

        MemberSource SourceOf(string? identity) =>
            IsServer ? MemberSource.OwnLink
            : identity is not null && identity == server ? MemberSource.Operator
            : MemberSource.Relayed;
    }

    internal void Mode(ChatCommand.Run c)
    {
        if (RoomOf(c) is not { } room)
        {
            return;
        }

        if (room.Remainder is not ("+i" or "-i"))
        {
            Say(ChatLine.Error(c.Command.UsageLine("+i: only those invited may join; -i: anyone may")), c.Window);
            return;
        }

        Ask(new RoomRequest(RoomOp.Mode, room.Room, Text: room.Remainder), c.Window);
    }

    /// <summary>
    /// <c>/invite</c>, <c>/kick</c>, <c>/ban</c>, <c>/unban</c>, <c>/mute</c>, <c>/unmute</c>, <c>/op</c>,
    /// <c>/deop</c>: one person of the room (a reason after the name for a kick).
    /// </summary>
    internal void Moderate(ChatCommand.Run c, RoomOp op)
    {
        if (RoomOf(c) is not { } room)
        {
            return;
        }

        (string name, string rest) = SplitName(room.Remainder, room.Room);
        if (name.Length == 0)
        {
            Say(ChatLine.Error(c.Command.UsageLine($"in a room's window, or with #room first: {c.Command.Name} #dev NAME")), c.Window);
            return;
        }

        Ask(new RoomRequest(op, room.Room, name, op == RoomOp.Kick ? rest : string.Empty), c.Window);
    }

    /// <summary>
    /// The room a command is about and the rest of its argument: a leading <c>#room</c>, else the room of the window
    /// it was typed in. Null (and said why) when there is none, or it is no room's name.
    /// </summary>
    private (string Room, string Remainder)? RoomOf(ChatCommand.Run c)
    {
        string first = c.Argument.Split(' ', 2)[0];
        if (first.StartsWith('#'))
        {
            if (!WindowTable.IsRoomName(first))
            {
                Say(_words.BadRoom(first), c.Window);
                return null;
            }

            string room = first;
            Locked(() => room = _windows.RoomWindow(first) ?? first);
            return (room, c.Argument[first.Length..].Trim());
        }

        string here = string.Empty;
        Locked(() => here = Here(c.Window));
        if (!here.StartsWith('#'))
        {
            Say(_words.NoRoomHere(c.Command.Name), c.Window);
            return null;
        }

        return (here, c.Argument);
    }

    /// <summary>
    /// A name off the front of <paramref name="text"/>: the longest run of words that names someone in
    /// <paramref name="room"/> (or anyone heard of), else the first word; and the rest.
    /// </summary>
    private (string Name, string Remainder) SplitName(string text, string? room)
    {
        string[] words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
        {
            return (string.Empty, string.Empty);
        }

        int found = 1;
        Locked(() =>
        {
            RoomState? state = room is null ? null : _windows.Room(room);
            for (int n = Math.Min(words.Length, NameWordsMax); n > 1; n--)
            {
                string candidate = string.Join(' ', words[..n]);
                if (state?.Contains(candidate) == true || _members.Keys.Any(m => NameRules.AreConfusable(m, candidate))
                    || _windows.IdentityOf(candidate) is not null)
                {
                    found = n;
                    return;
                }
            }
        });
        return (string.Join(' ', words[..found]), string.Join(' ', words[found..]));
    }

    /// <summary>The window a command typed in <paramref name="window"/> is about (headless: where plain lines go). Under the lock.</summary>
    private string Here(string? window) => window ?? _windows.Target;

    /// <summary>Shows a line in the window a command was typed in.</summary>
    private void Say(ChatLine line, string? window) => Locked(() => _view.Show(line with { Window = Here(window) }));

    /// <summary>Asks the hub; a link that has ended, or is not secure yet, is said in the window the command was typed in.</summary>
    private void Ask(RoomRequest request, string? window)
    {
        if (Ended is { } ended)
        {
            Say(ChatLine.Error($"not done: {ended}"), window);
            return;
        }

        // A client asks its hub over the link; a server's operator asks its own hub, with or without clients.
        if (!IsServer && !_endpoint.CanSend)
        {
            Say(ChatLine.Error("not done: not connected securely yet"), window);
            return;
        }

        try
        {
            _endpoint.Request(request);
        }
        catch (InvalidOperationException e)
        {
            Say(ChatLine.Error($"not done: {e.Message}"), window);
        }
        catch (ArgumentException e)
        {
            Say(ChatLine.Error($"not done: {e.Message}"), window);
        }
    }
}
