using SecureChat.Engine.Chat;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Tui.App;

/// <summary>
/// One chat, the same in both modes: follows the endpoint's events, keeps the table of links, runs what the user
/// types (<see cref="ChatCommand"/>), and tells an <see cref="IChatView"/> what to show, in its mode's words
/// (<see cref="ChatWords"/>). When something is announced, whether a message can be sent, and what each command
/// does are decided here and nowhere else; the engine's rules (message size, names, who is secure) are asked of
/// the engine. Thread-safe: events arrive on network threads and typed lines on the UI or input thread; one lock
/// keeps the table, and the order in which the view is told things, consistent (the engine is never called
/// under it). After <see cref="Detach"/> the view is told nothing more.
/// Everything a peer controls is made safe to show on its way in: names here (<see cref="Shown(PeerInfo)"/>),
/// and all text in <see cref="ChatLine"/>, which every line to a view is.
/// </summary>
internal sealed class ChatModel
{
    private readonly ChatEndpoint _endpoint;
    private readonly IChatView _view;
    private readonly ChatWords _words;
    private readonly LinkTable _links;
    private readonly object _gate = new();
    private bool _detached;
    private string _ownName;

    /// <summary>A client's link has ended: what happened, as "not sent: ..." says it (null while it has not; never on a server).</summary>
    private string? _ended;

    /// <summary>Client: the name a <c>/nick</c> asked for, until the server answers with the name it gave (null when none).</summary>
    private string? _nickAsked;

    /// <summary>Lines typed after a client's link ended, kept (not refused one by one) when <see cref="HoldsLinesAfterEnd"/>.</summary>
    private readonly List<string> _unsent = [];

    /// <summary>
    /// Everyone else in the chat, as join, leave and rename notices told us, with the identity fingerprint each notice
    /// carried (null when it carried none). The lock guards it.
    /// </summary>
    private readonly SortedDictionary<string, string?> _members = new(StringComparer.OrdinalIgnoreCase);

    public ChatModel(ChatEndpoint endpoint, bool isServer, IChatView view, ChatWords words)
    {
        _endpoint = endpoint;
        _view = view;
        _words = words;
        IsServer = isServer;
        _ownName = endpoint.Name;
        _links = new LinkTable(isServer);
        _endpoint.StageChanged += OnStageChanged;
        _endpoint.Established += OnEstablished;
        _endpoint.Rekeyed += OnRekeyed;
        _endpoint.MessageReceived += OnMessageReceived;
        _endpoint.PresenceChanged += OnPresenceChanged;
        _endpoint.NameAssigned += OnNameAssigned;
        _endpoint.Failed += OnFailed;
        _endpoint.Closed += OnClosed;
        _endpoint.MessagesLost += OnMessagesLost;
        Locked(() => _view.SetStatus(_links.Status(_ownName)));
    }

    public bool IsServer { get; }

    /// <summary>This side's own identity fingerprint (<c>/identity</c>); null when it has none.</summary>
    public string? OwnIdentity { get; init; }

    /// <summary>Where this side's public identity is kept (identity.pub), for <c>/identity</c>; null when nowhere.</summary>
    public string? IdentityFile { get; init; }

    /// <summary>Marks a peer's identity verified in the trust files (<c>/verify</c>); null when there are none.</summary>
    public Func<PeerInfo, bool>? Verify { get; init; }

    /// <summary>
    /// Lines typed after a client's link ended are kept quietly (<see cref="Unsent"/>) instead of each being refused
    /// with a line of its own: headless mode, fed by a script, reports them once at the end.
    /// </summary>
    public bool HoldsLinesAfterEnd { get; init; }

    /// <summary>The text of each message typed after a client's link ended, in order, when <see cref="HoldsLinesAfterEnd"/>. Any thread.</summary>
    public IReadOnlyList<string> Unsent
    {
        get
        {
            lock (_gate)
            {
                return [.. _unsent];
            }
        }
    }

    /// <summary>A client's link has ended: what happened ("the connection was lost"), or null while it has not. Any thread.</summary>
    public string? Ended
    {
        get
        {
            lock (_gate)
            {
                return _ended;
            }
        }
    }

    /// <summary>A client's connection failed or was lost after it was made: why (null while it is fine, and on a server).</summary>
    public string? LostReason { get; private set; }

    /// <summary>Completes when this side is done: a client's link has ended, or the server has stopped.</summary>
    public Task Completion => _endpoint.Completion;

    /// <summary>A server has started listening at <paramref name="address"/>.</summary>
    public void ShowListening(string address) => Tell(_words.Listening(address));

    /// <summary>A notice of this side's own (for example from the trust store). Any thread.</summary>
    public void Note(string text) => Tell(ChatLine.Notice(text));

    /// <summary>
    /// Runs a line the user typed: a command, or a message to send. The task completes when a message has been
    /// handed to the engine (headless mode waits for it, so lines go out in order and at the pace the link takes).
    /// Pasted text is never a command: with <paramref name="pasted"/> the line is sent as a message as it is.
    /// </summary>
    public Task EnterAsync(string line, bool pasted = false)
    {
        switch (pasted ? ChatCommand.Message(line) : ChatCommand.Parse(line))
        {
            case ChatCommand.Send send:
                return SendAsync(send.Text);
            case ChatCommand.Nick nick:
                ChangeName(nick.Name);
                break;
            case ChatCommand.Rekey:
                Tell(_words.RekeyStarted(_endpoint.RequestRekey()));
                break;
            case ChatCommand.Fingerprint:
                ShowFingerprints();
                break;
            case ChatCommand.OwnIdentity:
                Tell(_words.OwnIdentity(OwnIdentity, IdentityFile));
                break;
            case ChatCommand.Verify verify:
                VerifyPeer(verify.Name);
                break;
            case ChatCommand.Peers:
                ShowPeers();
                break;
            case ChatCommand.Clear:
                Locked(_view.Clear);
                break;
            case ChatCommand.Quit:
                Locked(_view.Quit);
                break;
            case ChatCommand.Help:
                Tell(_words.Help.Select(ChatLine.Notice));
                break;
            case ChatCommand.Names:
                Tell(NamesWithIdentities());
                break;
            case ChatCommand.Usage usage:
                Tell(ChatLine.Error(usage.Text));
                break;
            case ChatCommand.Unknown unknown:
                Tell(_words.UnknownCommand(unknown.Name));
                break;
        }

        return Task.CompletedTask;
    }

    /// <summary>This side's name as the others see it: the one asked for, or the one the server assigned.</summary>
    public string OwnName
    {
        get
        {
            lock (_gate)
            {
                return _ownName;
            }
        }
    }

    /// <summary>Everyone else in the chat, by name (for /names and Tab completion). Any thread.</summary>
    public IReadOnlyList<string> Members
    {
        get
        {
            lock (_gate)
            {
                return [.. _members.Keys];
            }
        }
    }

    /// <summary>
    /// The server told a client its final name, on joining and in answer to each <c>/nick</c>: the one asked for
    /// ("you are now known as Bob"), or another (for example <c>Bob-2</c> when Bob was taken, which is said so); the
    /// title, the status and our own lines from now on use it. Any thread (an engine event).
    /// </summary>
    public void OnOwnNameAssigned(string name) => OnLink(() =>
    {
        string? asked = _nickAsked;
        _nickAsked = null;
        if (asked is not null && name == asked)
        {
            _ownName = name;
            _view.Show(_words.Renamed(name));
        }
        else if (asked is not null || name != _ownName)
        {
            _ownName = name;
            _view.Show(_words.NameAssigned(name));
        }
    });

    /// <summary>
    /// A client refused its server's changed identity before sending anything (<see cref="LocalTrust"/>): the
    /// status shows the trust state <c>changed</c>, and the view warns, then ends the run. Any thread.
    /// </summary>
    public void IdentityRefused(IdentityRefusal refusal)
    {
        OnLink(_links.IdentityRefused);
        Locked(() => _view.Warn(refusal));
    }

    /// <summary>Stops following the endpoint and telling the view. Call once the endpoint has stopped.</summary>
    public void Detach()
    {
        lock (_gate)
        {
            _detached = true;
        }

        _endpoint.StageChanged -= OnStageChanged;
        _endpoint.Established -= OnEstablished;
        _endpoint.Rekeyed -= OnRekeyed;
        _endpoint.MessageReceived -= OnMessageReceived;
        _endpoint.PresenceChanged -= OnPresenceChanged;
        _endpoint.NameAssigned -= OnNameAssigned;
        _endpoint.Failed -= OnFailed;
        _endpoint.Closed -= OnClosed;
        _endpoint.MessagesLost -= OnMessagesLost;
    }

    // ---- engine events (network threads) ----

    private void OnStageChanged(PeerInfo link) => OnLink(() =>
    {
        link = Shown(link);
        PeerInfo? before = _links.Client;
        bool opened = _links.Update(link);
        if (link.Stage == SessionStage.Connecting && before is { Stage: SessionStage.SolvingPuzzle })
        {
            // The connection that asked for a proof of work is closed; the solution goes out on a new one.
            Tell(_words.ConnectingWithSolution(StageWords.Address(link.RemoteEndPoint)));
        }
        else if (link.Stage == SessionStage.Connecting)
        {
            Tell(_words.Connecting(StageWords.Address(link.RemoteEndPoint)));
        }
        else if (link is { Stage: SessionStage.WaitingToRetry, Retry: { } retry })
        {
            Tell(_words.Retrying(retry));
        }
        else if (opened)
        {
            Tell(_words.LinkOpened(link, IsServer));
        }
    });

    private void OnEstablished(PeerInfo link) => OnLink(() =>
    {
        link = Shown(link);
        _links.Keyed(link);
        Tell(_words.LinkSecured(link, IsServer));
    });

    private void OnRekeyed(PeerInfo link) => OnLink(() =>
    {
        link = Shown(link);
        _links.Keyed(link);
        Tell(_words.LinkRekeyed(link));
    });

    private void OnMessageReceived(ChatMessage message) =>
        Tell(_words.Message(message with { Via = Shown(message.Via) }, fromOperator: !IsServer && !message.Relayed));

    private void OnPresenceChanged(PresenceNotice notice) => Locked(() =>
    {
        PresenceNotice shown = notice with
        {
            Name = SafeText.Name(notice.Name),
            NewName = notice.NewName.Length == 0 ? string.Empty : SafeText.Name(notice.NewName),
            Peer = Shown(notice.Peer),
        };
        switch (shown.Kind)
        {
            case PresenceKind.Joined or PresenceKind.Member:
                _members[shown.Name] = shown.Identity;
                break;
            case PresenceKind.Left:
                _members.Remove(shown.Name);
                break;
            case PresenceKind.Renamed:
                _members.Remove(shown.Name, out string? identity);
                _members[shown.NewName] = shown.Identity ?? identity;
                break;
        }

        _view.Show(_words.Presence(shown));
    });

    /// <summary>The hub told us our final name (on joining and after each /nick): shown only when it is not what we asked for.</summary>
    private void OnNameAssigned(string name) => OnOwnNameAssigned(SafeText.Name(name));

    private void OnFailed(PeerInfo link, SessionFailure failure) => OnLink(() =>
    {
        link = Shown(link);
        _links.Ended(link, SessionStage.Failed);
        if (!IsServer && link.Fingerprint is not null)
        {
            LostReason ??= failure.Message;
        }

        if (!IsServer)
        {
            _ended ??= link.Fingerprint is null ? "the connection failed" : "the connection was lost";
        }

        // A client's link that fails before it was ever secure is reported once, as the reason it could not connect.
        // A client that leaves a server's handshake without a word is no error of the operator's: most often it did
        // not recognise this server's identity (it sends nothing then), so the notice says how to show it.
        if (IsServer && link.Fingerprint is null && failure.Reason == FailureReason.ConnectionLost)
        {
            Tell(_words.LeftDuringHandshake(link));
        }
        else if (IsServer || link.Fingerprint is not null)
        {
            Tell(_words.LinkFailed(link, failure, IsServer));
        }
    });

    private void OnMessagesLost(PeerInfo link, int count) => OnLink(() => Tell(_words.MessagesLost(Shown(link), count, IsServer)));

    private void OnClosed(PeerInfo link, bool byPeer) => OnLink(() =>
    {
        link = Shown(link);
        _links.Ended(link, SessionStage.Closed);
        if (!IsServer)
        {
            _ended ??= byPeer ? "the server closed the connection" : "the connection is closed";
        }

        // A member's leave was already said ("Bob left"): its closed connection is the same news.
        if (!IsServer || link.Fingerprint is null || _members.ContainsKey(link.Name))
        {
            Tell(_words.LinkClosed(link, byPeer, IsServer));
        }
    });

    // ---- typed lines (UI or input thread) ----

    private async Task SendAsync(string text)
    {
        if (!ChatOptions.IsValidMessage(text))
        {
            Tell(_words.TooLong());
            return;
        }

        if (HeldAfterEnd(text))
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

        Tell(_words.Own(OwnName, text));
        try
        {
            await _endpoint.SendAsync(text).ConfigureAwait(false);
        }
        catch (ArgumentException)
        {
            // The engine's own size rule (its message names a parameter, which is not for a person).
            Tell(_words.TooLong());
        }
        catch (InvalidOperationException e)
        {
            // The link ended while the message waited to go out: it is one of the lines not sent.
            if (IsServer || !HeldAfterEnd(text, gone: true))
            {
                Tell(_words.NotSent(e.Message));
            }
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
    private void ChangeName(string requested)
    {
        if (!NameRules.TryValidate(requested, out string name, out string problem))
        {
            Tell(_words.NickRefused(problem));
            return;
        }

        if (Ended is { } ended)
        {
            Tell(_words.NickAfterEnd(ended));
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
            Tell(_words.NickRefused(e.Message));
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
    private void VerifyPeer(string name)
    {
        PeerInfo[] secure = [.. _endpoint.Links.Where(l => l.IsSecure && l.IdentityKey is not null)];
        PeerInfo? peer = name.Length > 0
            ? secure.FirstOrDefault(l => string.Equals(l.Name, name, StringComparison.OrdinalIgnoreCase))
            : secure.Length == 1 ? secure[0] : null;
        if (Ended is { } ended)
        {
            Tell(_words.NothingToVerify(ended));
            return;
        }

        if (peer is null || Verify is not { } verify)
        {
            Tell(_words.VerifyUsage(IsServer));
            return;
        }

        if (!verify(peer))
        {
            Tell(_words.VerifyUsage(IsServer));
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
        string own;
        lock (_gate)
        {
            members = [.. _members.Where(m => !string.Equals(m.Key, _ownName, StringComparison.OrdinalIgnoreCase))];
            own = _ownName;
        }

        string? server = IsServer ? null : _endpoint.Links.FirstOrDefault()?.Identity;
        return [_words.Names([.. members.Select(m => m.Key)], own), .. members.Select(m => _words.MemberIdentity(m.Key, m.Value, SourceOf(m.Value)))];

        MemberSource SourceOf(string? identity) =>
            IsServer ? MemberSource.OwnLink
            : identity is not null && identity == server ? MemberSource.Operator
            : MemberSource.Relayed;
    }

    private void ShowFingerprints()
    {
        PeerInfo[] keyed = [.. _endpoint.Links.Where(l => l.IsSecure).Select(Shown)];
        Tell(Ended is { } ended ? [_words.NothingToCompare(ended)]
            : keyed.Length == 0 ? [_words.NothingToCompare()] : [.. keyed.SelectMany(_words.Fingerprint), .. _words.CompareAdvice()]);
    }

    private void ShowPeers()
    {
        PeerInfo[] links = [.. _endpoint.Links.Select(Shown)];
        if (!IsServer)
        {
            Tell(links.Length == 0 ? _words.NotConnected() : _words.ConnectedTo(links[0]));
            return;
        }

        Tell(links.Length == 0 ? [_words.NoPeers()] : links.Select(_words.Peer));
    }

    /// <summary>A link's snapshot with its name (which its peer chose) made safe to show.</summary>
    private static PeerInfo Shown(PeerInfo link) => link with { Name = SafeText.Name(link.Name) };

    // ---- telling the view, in order, under the lock ----

    /// <summary>Runs a change to the table of links, then shows the status it leads to.</summary>
    private void OnLink(Action change) => Locked(() =>
    {
        change();
        _view.SetStatus(_links.Status(_ownName));
    });

    private void Tell(ChatLine line) => Locked(() => _view.Show(line));

    private void Tell(IEnumerable<ChatLine> lines) => Locked(() =>
    {
        foreach (ChatLine line in lines)
        {
            _view.Show(line);
        }
    });

    private void Locked(Action action)
    {
        lock (_gate)
        {
            if (!_detached)
            {
                action();
            }
        }
    }
}
