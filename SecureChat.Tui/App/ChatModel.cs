using SecureChat.Engine.Chat;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Tui.App;

/// <summary>
/// One chat, the same in both modes: follows the endpoint's events, keeps the table of links, runs what the user
/// types (<see cref="ChatCommand"/>), and tells an <see cref="IChatView"/> what to show, in its mode's words
/// (<see cref="ChatWords"/>); what the user types is handled in ChatModel.Typed.cs, the windows the hub's news is
/// sorted into in ChatModel.Windows.cs, room commands in ChatModel.Rooms.cs, direct messages in ChatModel.Direct.cs,
/// away, ignore and /window in ChatModel.Away.cs, the config directory's files in ChatModel.Files.cs, fellow members'
/// trust words and /verify NAME in ChatModel.Members.cs, messages held for a changed identity in ChatModel.Holds.cs. When something is announced, whether a message can be sent, and what each command
/// does are decided here and nowhere else; the engine's rules (message size, names, who is secure) are asked of
/// the engine. Thread-safe: events arrive on network threads and typed lines on the UI or input thread; one lock
/// keeps the table, and the order in which the view is told things, consistent (the engine is never called
/// under it). After <see cref="Detach"/> the view is told nothing more.
/// Everything a peer controls is made safe to show on its way in: names here (<see cref="Shown(PeerInfo)"/>),
/// and all text in <see cref="ChatLine"/>, which every line to a view is.
/// </summary>
internal sealed partial class ChatModel
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
    private bool _joinNamed;

    /// <summary>Lines typed after a client's link ended, kept (not refused one by one) when <see cref="HoldsLinesAfterEnd"/>.</summary>
    private readonly List<string> _unsent = [];

    /// <summary>Client: messages sent since the server was last heard from, reported by text if the link ends without a Close.</summary>
    private readonly UnconfirmedLines _unconfirmed = new();

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
        _endpoint.GroupChanged += OnGroupChanged;
        _endpoint.Failed += OnFailed;
        _endpoint.PuzzleSent += OnPuzzleSent;
        _endpoint.Closed += OnClosed;
        _endpoint.MessagesLost += OnMessagesLost;
        _endpoint.RoomChanged += OnRoomChanged;
        _endpoint.Replied += OnReplied;
        _endpoint.DirectBound += OnDirectBound;
        if (_endpoint is ChatServer server)
        {
            server.HandlerFaulted += OnHandlerFaulted;
        }

        FollowReconnect();
        _endpoint.Completion.ContinueWith(_ => OnCompleted(), TaskScheduler.Default);
        Locked(() => _view.SetStatus(Status()));
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

    /// <summary>Everyone this side has heard of on the hub, by name (for /names and Tab completion). Any thread.</summary>
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
    /// title, the status and our own lines from now on use it. The first name after a link is secure answers the join
    /// (a /nick typed before it waits for the next). Any thread (an engine event).
    /// </summary>
    public void OnOwnNameAssigned(string name) => OnLink(() =>
    {
        if (!_joinNamed)
        {
            // A link's first name is the answer to its join, even when a /nick typed meanwhile is already on its way.
            _joinNamed = true;
            if (name != _ownName)
            {
                _ownName = name;
                _view.Show(_words.NameAssigned(name));
            }

            return;
        }

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
        _endpoint.GroupChanged -= OnGroupChanged;
        _endpoint.Failed -= OnFailed;
        _endpoint.PuzzleSent -= OnPuzzleSent;
        _endpoint.Closed -= OnClosed;
        _endpoint.MessagesLost -= OnMessagesLost;
        _endpoint.RoomChanged -= OnRoomChanged;
        _endpoint.Replied -= OnReplied;
        _endpoint.DirectBound -= OnDirectBound;
        if (_endpoint is ChatServer server)
        {
            server.HandlerFaulted -= OnHandlerFaulted;
        }

        UnfollowReconnect();
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
        _joinNamed = IsServer;
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

    /// <summary>The hub told us our final name (on joining and after each /nick): shown only when it is not what we asked for.</summary>
    private void OnNameAssigned(string name) => OnOwnNameAssigned(SafeText.Name(name));

    private void OnFailed(PeerInfo link, SessionFailure failure)
    {
        // Read before the lock: the engine is never called under it. The link has ended, so this is final.
        ulong heard = IsServer ? 0 : _endpoint.RecordsHeard;
        OnLink(() => Failed(link, failure, heard));
    }

    private void Failed(PeerInfo link, SessionFailure failure, ulong heard)
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

        // No Close came, so nothing but acknowledgements confirms what the server received: the rest is named.
        if (!IsServer)
        {
            Tell(UnconfirmedAtLoss(heard));
        }
    }

    /// <summary>
    /// Server: a connection was asked for a proof of work at its hello and has ended. It was never announced, and
    /// says nothing now: its client comes back on a new connection with the answer, which is announced (a flood of
    /// hellos under load would otherwise bury the chat in lines).
    /// </summary>
    private void OnPuzzleSent(PeerInfo link) => OnLink(() => _links.Ended(link, SessionStage.Failed));

    private void OnHandlerFaulted(string name, Exception error) => Tell(_words.HandlerFaulted(name, error));

    private void OnMessagesLost(PeerInfo link, int count) => OnLink(() => Tell(_words.MessagesLost(Shown(link), count, IsServer)));

    private void OnClosed(PeerInfo link, bool byPeer) => OnLink(() =>
    {
        link = Shown(link);
        _links.Ended(link, SessionStage.Closed);
        if (!IsServer)
        {
            _ended ??= byPeer ? "the server closed the connection" : "the connection is closed";
            _unconfirmed.Clear();
        }

        // A member's end is said as its leave ("Bob left") or, in each room shared with it, as its being away ("Bob is
        // away", PROTOCOL.md 4.8), before or after this: its closed connection is the same news.
        if (!IsServer || link.Fingerprint is null || (_members.ContainsKey(link.Name) && !_windows.Rooms.Any(r => r.Contains(link.Name))))
        {
            Tell(_words.LinkClosed(link, byPeer, IsServer));
        }
    });

    /// <summary>A link's snapshot with its name (which its peer chose) made safe to show.</summary>
    private static PeerInfo Shown(PeerInfo link) => link with { Name = SafeText.Name(link.Name) };

    // ---- telling the view, in order, under the lock ----

    /// <summary>Runs a change to the table of links, then shows the status it leads to.</summary>
    private void OnLink(Action change) => Locked(() =>
    {
        change();
        _view.SetStatus(Status());
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
