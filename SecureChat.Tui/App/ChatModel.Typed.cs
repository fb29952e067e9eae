using SecureChat.Engine.Chat;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Tui.App;

/// <summary>What the user types: commands and messages (the model's other half; see the type's main file).</summary>
internal sealed partial class ChatModel
{
    /// <summary>
    /// Runs a line the user typed: a command, or a message to send. The task completes when a message has been
    /// handed to the engine (headless mode waits for it, so lines go out in order and at the pace the link takes).
    /// Pasted text is never a command: with <paramref name="pasted"/> the line is sent as a message as it is.
    /// <paramref name="window"/> is the window it was typed in (the full screen's current window): a message goes
    /// there, and commands about a room default to its room; null (headless) means the room or query the user opened
    /// last, else the room entered last, else the lobby.
    /// </summary>
    public Task EnterAsync(string line, bool pasted = false, string? window = null)
    {
        switch (pasted ? ChatCommand.Message(line) : ChatCommand.Parse(line, ChatCommands.For(IsServer, _words.Mode)))
        {
            case ChatCommand.Send send:
                return SendAsync(send.Text, window);
            case ChatCommand.Run run:
                return run.Command.Handler(this, run with { Window = window });
            case ChatCommand.Unknown unknown:
                Say(_words.UnknownCommand(unknown.Name), window);
                break;
        }

        return Task.CompletedTask;
    }

    // ---- typed lines (UI or input thread) ----

    /// <summary>
    /// Sends a message (a typed line, <c>/me</c>, <c>/say</c>, <c>/msg #room</c>) to a window's room or query (null:
    /// <see cref="WindowTable.Target"/>); a refusal is said in <paramref name="typedIn"/> (by default that window).
    /// </summary>
    /// <param name="released">A message held for a changed identity, going out after <c>/accept</c>: not held again.</param>
    internal async Task SendAsync(string text, string? window, string? typedIn = null, bool released = false)
    {
        string key = string.Empty;
        string? title = null;
        ChatLine? refused = null;
        Locked(() =>
        {
            // The status window is no room: a plain line there goes where a headless one would (the room or query
            // chosen last, else the room entered last, else the lobby), so typing before a room's window opened works.
            key = window is null || window == WindowInfo.StatusKey ? _windows.Target : window;
            if (key.StartsWith('#'))
            {
                key = _windows.RoomWindow(key) ?? (WindowTable.RoomKey(key) == WindowTable.RoomKey(ChatEndpoint.Lobby) ? RoomWindow(key) : key);
                refused = _windows.Room(key) is null && WindowTable.RoomKey(key) != WindowTable.RoomKey(ChatEndpoint.Lobby) ? _words.NotInRoom(key) : null;
            }

            title = _windows.Window(key)?.Title;
        });
        if (refused is not null)
        {
            Say(refused, typedIn ?? window);
            return;
        }

        if (!ChatOptions.IsValidMessage(text))
        {
            Tell(_words.TooLong());
            return;
        }

        if ((!released && HoldForChange(text, key)) || HoldPending(text, key) || HeldAfterEnd(text))
        {
            return;
        }

        if (!_endpoint.CanSend)
        {
            // A client's link may be gone before its end reached us as an event.
            if (IsServer || _endpoint.Links.FirstOrDefault() is not { IsEnded: true } || !HeldAfterEnd(text, gone: true))
            {
                Locked(() => _view.Show(IsServer && _links.HadSecurePeer ? _words.EveryoneLeft() : _words.NobodyToSendTo(IsServer)));
            }

            return;
        }

        ulong heard = IsServer ? 0 : _endpoint.RecordsHeard;
        ChatLine? own = null;
        Locked(() =>
        {
            own = OwnLine(text) with { Window = key };
            if (!IsServer)
            {
                _unconfirmed.Sent(text, heard);
                _sent.Sent(own);
            }

            _view.Show(own);
        });
        try
        {
            await (key.StartsWith('@')
                ? _endpoint.SendDirectAsync(new Person(title ?? string.Empty, key[1..]), text)
                : _endpoint.SendAsync(key, text)).ConfigureAwait(false);
        }
        catch (ArgumentException)
        {
            // The engine's own size rule (its message names a parameter, which is not for a person).
            Locked(() => Withdraw(text, own));
            Tell(_words.TooLong());
        }
        catch (InvalidOperationException e)
        {
            Locked(() => Withdraw(text, own));
            if (Requeue(own))
            {
                return;
            }

            // The link ended while the message waited to go out: it is one of the lines not sent.
            if (IsServer || !HeldAfterEnd(text, gone: true))
            {
                Tell(_words.NotSent(e.Message));
            }
        }
    }

    /// <summary>A message handed to the engine did not go out: it is not waited for (under the lock).</summary>
    private void Withdraw(string text, ChatLine? own)
    {
        _unconfirmed.Withdraw(text);
        if (own is not null)
        {
            _sent.Withdraw(own);
        }
    }

    /// <summary>
    /// After a client's link ended nothing can be sent: a message is kept for the report at the end (headless) or
    /// refused with what happened (the full screen). True when the link has ended.
    /// </summary>
    /// <remarks>With <paramref name="gone"/> the engine has said the link is gone, though its end may not have reached us yet.</remarks>
    private bool HeldAfterEnd(string text, bool gone = false)
    {
        bool ended = false;
        Locked(() =>
        {
            if (_ended is null && !gone)
            {
                return;
            }

            ended = true;
            if (HoldsLinesAfterEnd)
            {
                _unsent.Add(text);
            }
            else
            {
                _view.Show(_words.NotSentAfterEnd(_ended ?? "the connection was lost"));
            }
        });
        return ended;
    }

    /// <summary>
    /// <c>/nick</c>. A server's operator is renamed at once (the server decides); a client asks its server, and says
    /// its new name only when the server has answered with the name it got (<see cref="OnOwnNameAssigned"/>).
    /// </summary>
    internal void ChangeName(string requested, string? window)
    {
        if (!NameRules.TryValidate(requested, out string name, out string problem))
        {
            Say(_words.NickRefused(problem), window);
            return;
        }

        if (Ended is { } ended)
        {
            Say(_words.NickAfterEnd(ended), window);
            return;
        }

        // Asked before the request goes out: the server's answer may come before ChangeName returns.
        Locked(() => _nickAsked = IsServer ? null : name);
        try
        {
            _endpoint.ChangeName(name);
        }
        catch (ArgumentException e)
        {
            // The engine's reason: for a server operator, a connected peer's name (or a lookalike) is not theirs to take.
            Locked(() => _nickAsked = null);
            Say(_words.NickRefused(e.Message), window);
            return;
        }

        if (IsServer)
        {
            OnLink(() =>
            {
                _ownName = _endpoint.Name;
                _view.Show(_words.Renamed(_ownName));
            });
        }
    }

    /// <summary>
    /// Marks a peer's identity verified in the trust files (after the users compared the SAS): the client's server,
    /// or on a server the client named (or the only one).
    /// </summary>
    internal void VerifyPeer(string name, string? window)
    {
        name = name.Trim();
        bool member = !IsServer && name.Length > 0 && Ended is null && VerifyMember(name, window);
        if (!IsServer && name.Length > 0 && !_endpoint.Links.Any(l => l.IsSecure && string.Equals(l.Name, name, StringComparison.OrdinalIgnoreCase)))
        {
            if (!member && Ended is null)
            {
                Say(_words.NoSuchPerson(SafeText.Name(name)), window);
            }

            if (member || Ended is null)
            {
                return; // a fellow member; the server's operator is also verified as the server below
            }
        }

        PeerInfo[] secure = [.. _endpoint.Links.Where(l => l.IsSecure && l.IdentityKey is not null)];
        PeerInfo? peer = name.Length > 0
            ? secure.FirstOrDefault(l => string.Equals(l.Name, name, StringComparison.OrdinalIgnoreCase))
            : secure.Length == 1 ? secure[0] : null;
        if (Ended is { } ended)
        {
            Say(_words.NothingToVerify(ended), window);
            return;
        }

        if (peer is null || Verify is not { } verify)
        {
            Say(_words.VerifyUsage(IsServer), window);
            return;
        }

        if (!verify(peer))
        {
            Say(_words.VerifyUsage(IsServer), window);
            return;
        }

        OnLink(() =>
        {
            _links.MarkVerified(peer.Identity!);
            _links.Update(peer);
            _view.Show(_words.Verified(Shown(peer)));
        });
    }

    /// <summary>
    /// <c>/names</c>: who is in the chat, then each member's identity. On a hub's client the operator is the member
    /// whose identity is the server's own (proved in the handshake); everyone else's comes in the hub's notices, as
    /// the server vouches for it, which is how a reader tells relayed people from the operator and look-alikes apart.
    /// </summary>
    private IEnumerable<ChatLine> NamesWithIdentities()
    {
        KeyValuePair<string, string?>[] members;
        string?[] trust;
        string own;
        lock (_gate)
        {
            members = [.. _members.Where(m => !string.Equals(m.Key, _ownName, StringComparison.OrdinalIgnoreCase))];
            trust = [.. members.Select(m => MemberTrustOf(m.Value))];
            own = _ownName;
        }

        string? server = IsServer ? null : _endpoint.Links.FirstOrDefault()?.Identity;
        return [_words.Names([.. members.Select(m => m.Key)], own), .. members.Select((m, i) => _words.MemberIdentity(m.Key, m.Value, SourceOf(m.Value), trust[i]))];

        MemberSource SourceOf(string? identity) =>
            IsServer ? MemberSource.OwnLink
            : identity is not null && identity == server ? MemberSource.Operator
            : MemberSource.Relayed;
    }

    internal void ShowFingerprints(string? window)
    {
        PeerInfo[] keyed = [.. _endpoint.Links.Where(l => l.IsSecure).Select(Shown)];
        SayAll(Ended is { } ended ? [_words.NothingToCompare(ended)]
            : keyed.Length == 0 ? [_words.NothingToCompare()] : [.. keyed.SelectMany(_words.Fingerprint), .. _words.CompareAdvice()], window);
    }

    internal void ShowPeers(string? window)
    {
        PeerInfo[] links = [.. _endpoint.Links.Select(Shown)];
        if (!IsServer)
        {
            Say(links.Length == 0 ? _words.NotConnected() : _words.ConnectedTo(links[0]), window);
            return;
        }

        SayAll(links.Length == 0 ? [_words.NoPeers()] : links.Select(_words.Peer), window);
    }
}
