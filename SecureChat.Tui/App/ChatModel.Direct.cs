using SecureChat.Engine.Chat;
using SecureChat.Engine.Transport;

namespace SecureChat.Tui.App;

/// <summary>
/// Direct messages and query windows: <c>/msg NAME</c> goes by name until the hub's answer binds the name to an
/// identity; the query window is keyed by that identity, and every later message in it goes by identity, so a rename
/// (or someone taking the old name) cannot redirect the conversation.
/// </summary>
internal sealed partial class ChatModel
{
    /// <summary>Direct messages sent by name, oldest first, until the hub answers them (the lock guards it).</summary>
    private readonly List<PendingDirect> _pendingDirects = [];

    /// <summary><c>/msg NAME|#room TEXT</c>.</summary>
    internal Task MessageAsync(ChatCommand.Run c)
    {
        string first = c.Argument.Split(' ', 2)[0];
        if (first.StartsWith('#'))
        {
            string text = c.Argument[first.Length..].Trim();
            string here = string.Empty;
            Locked(() => here = Here(c.Window));
            return text.Length == 0 || !WindowTable.IsRoomName(first)
                ? Refuse(c.Command.UsageLine("for example: /msg Bob hello, or /msg #dev hello"), c.Window)
                : SendAsync(text, first, here);
        }

        (string name, string rest) = SplitName(c.Argument, null);
        if (name.Length == 0 || rest.Length == 0)
        {
            return Refuse(c.Command.UsageLine("for example: /msg Bob hello, or /msg #dev hello"), c.Window);
        }

        // A query already bound to that name's identity goes by identity.
        string? bound = null;
        Locked(() =>
        {
            bound = _windows.Windows.FirstOrDefault(w => w.Kind == WindowKind.Query && NameRules.AreConfusable(w.Title, name))?.Key;
            if (bound is null && _changed.TryGetValue(NameRules.Key(name), out var changed))
            {
                bound = OpenQuery(changed.Identity, changed.Name, TrustWordOf(changed.Identity)); // held there until accepted
            }
        });
        return bound is not null ? SendAsync(rest, bound) : SendByNameAsync(name, rest, c.Window);
    }

    /// <summary>A direct message by name: shown in its query window once the hub says whose identity it reached.</summary>
    private async Task SendByNameAsync(string name, string text, string? window)
    {
        if (!ChatOptions.IsValidMessage(text))
        {
            Say(_words.TooLong(), window);
            return;
        }

        if (Ended is { } ended)
        {
            Say(_words.NotSentAfterEnd(ended), window);
            return;
        }

        var pending = new PendingDirect(name, text, string.Empty);
        Locked(() =>
        {
            pending = pending with { Window = Here(window) };
            _pendingDirects.Add(pending);
        });
        try
        {
            await _endpoint.SendDirectAsync(new Person(name), text).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            Locked(() => _pendingDirects.Remove(pending));
            Say(_words.NotSent(e.Message), window);
        }
    }

    /// <summary><c>/query NAME</c>: opens the conversation with the identity that name has in your rooms.</summary>
    internal void Query(ChatCommand.Run c)
    {
        string name = c.Argument.Trim();
        if (name.Length == 0)
        {
            Say(ChatLine.Error(c.Command.UsageLine("for example: /query Bob")), c.Window);
            return;
        }

        Locked(() =>
        {
            if (_windows.IdentityOf(name) is not { } identity)
            {
                _view.Show(_words.NoSuchPerson(SafeText.Name(name)) with { Window = Here(c.Window) });
                return;
            }

            string key = OpenQuery(identity, _windows.NameOf(identity) ?? SafeText.Name(name), TrustWordOf(identity));
            _windows.Choose(key);
        });
    }

    /// <summary><c>/close</c>: closes a query window, or leaves the room of a room's window.</summary>
    internal void Close(ChatCommand.Run c)
    {
        string here = string.Empty;
        Locked(() => here = Here(c.Window));
        if (here.StartsWith('#'))
        {
            Ask(new RoomRequest(RoomOp.Part, here, Text: c.Argument), c.Window);
            return;
        }

        Locked(() =>
        {
            if (here.StartsWith('@') && _windows.CloseQuery(here))
            {
                _view.CloseWindow(here);
                return;
            }

            _view.Show(ChatLine.Error("/close: the status window stays open (/quit leaves)") with { Window = here });
        });
    }

    /// <summary>
    /// A direct message sent by name went into the conversation with <paramref name="identity"/>, the one the hub holds
    /// under that name: the query of that identity opens and the message is shown there.
    /// </summary>
    private void OnDirectBound(string name, string identity) => Locked(() =>
    {
        PendingDirect? pending = _pendingDirects.FirstOrDefault(p => NameRules.AreConfusable(p.Name, name));
        if (pending is not null)
        {
            _pendingDirects.Remove(pending);
        }

        ShowBound(pending, identity, SafeText.Name(name));
    });

    /// <summary>A name bound to an identity: its query opens, and the message sent by name is shown there. Under the lock.</summary>
    private void ShowBound(PendingDirect? pending, string identity, string name)
    {
        string key = OpenQuery(identity, name.Length > 0 ? name : SafeText.Name(pending?.Name ?? string.Empty), TrustWordOf(identity));
        if (pending is not null)
        {
            _view.Show(_words.Own(_ownName, pending.Text) with { Window = key });
        }
    }

    /// <summary>The hub answered a direct message: a name bound to an identity (its query opens), or a refusal.</summary>
    private void DirectReplied(HubReply reply, string name)
    {
        PendingDirect? pending = _pendingDirects.FirstOrDefault(p => reply.Name.Length > 0 && NameRules.AreConfusable(p.Name, reply.Name))
            ?? (reply.Identity is null || _windows.Query(reply.Identity) is null ? _pendingDirects.FirstOrDefault() : null);
        if (pending is not null)
        {
            _pendingDirects.Remove(pending);
        }

        if (reply.Code == ReplyCode.Done && reply.Identity is { } identity)
        {
            ShowBound(pending, identity, name);
            return;
        }

        string window = reply.Identity is { } about && _windows.Query(about) is { } query ? query.Key : pending?.Window ?? WindowInfo.StatusKey;
        _view.Show(_words.Reply(reply, name.Length > 0 ? name : SafeText.Name(pending?.Name ?? string.Empty)) with { Window = window });
    }
}
