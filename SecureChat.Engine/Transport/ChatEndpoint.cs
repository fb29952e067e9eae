using SecureChat.Engine.Crypto;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;

namespace SecureChat.Engine.Transport;

/// <summary>
/// What the app sees of either end, client or server: events about links and messages, and the operations a
/// user has (send, rekey, rename, stop). Thread-safe.
/// </summary>
/// <remarks>
/// Events are raised on network threads, in order for each link. Handlers must return quickly and must not
/// block; a UI marshals them onto its own loop (Terminal.Gui: <c>IApplication.Invoke</c>).
/// </remarks>
public abstract class ChatEndpoint : IAsyncDisposable
{
    /// <summary>A link's handshake stage changed (Connecting, Connected, ExchangingKeys, DerivingKey, ...).</summary>
    public event Action<PeerInfo>? StageChanged;

    /// <summary>A link's keys are confirmed by both sides; the snapshot carries its fingerprint and SAS.</summary>
    public event Action<PeerInfo>? Established;

    /// <summary>A link finished a rekey; the snapshot carries the new fingerprint and SAS.</summary>
    public event Action<PeerInfo>? Rekeyed;

    public event Action<ChatMessage>? MessageReceived;

    /// <summary>Someone joined, left or changed name.</summary>
    public event Action<PresenceNotice>? PresenceChanged;

    /// <summary>
    /// Client: the hub told this side its final display name (Presence you, on joining and after each /nick): the
    /// one asked for, or another when that was taken by someone, a lookalike of a name in use, or against
    /// <see cref="NameRules"/>; <see cref="Name"/> is now that name.
    /// </summary>
    public event Action<string>? NameAssigned;

    /// <summary>
    /// Something happened to a room's or direct conversation's end-to-end encrypted group that the user must see (a
    /// member added or removed, a message dropped, sending held or released, a fork). Raised on the thread that fed
    /// the group; handlers must not block.
    /// </summary>
    public event Action<GroupEventNotice>? GroupChanged;

    /// <summary>Something happened in a room (topic, mode, kick, ban, mute, op, invite), or the hub told about rooms (entered, listed).</summary>
    public event Action<RoomNotice>? RoomChanged;

    /// <summary>The hub answered a request, a direct message or a room message (a refusal, or a confirmation).</summary>
    public event Action<HubReply>? Replied;

    /// <summary>Client: the hub has acknowledged this many of the chat and direct messages sent on this link so far.</summary>
    public event Action<PeerInfo, int>? Acknowledged;

    /// <summary>Client: the round trip of the last heartbeat to the hub and its acknowledgement (the link's lag).</summary>
    public event Action<PeerInfo, TimeSpan>? LagMeasured;

    /// <summary>Client: the link is gone and the next connection attempt is in this long (the attempt number counts from 1).</summary>
    public event Action<TimeSpan, int>? Reconnecting;

    /// <summary>A link failed (the other links are unaffected).</summary>
    public event Action<PeerInfo, SessionFailure>? Failed;

    /// <summary>
    /// Server: a link's hello was answered with a puzzle (PROTOCOL.md, "Puzzle"), and the link has ended: its client
    /// is expected back on a new connection with the answer. Neither <see cref="Failed"/> nor <see cref="Closed"/>
    /// follows for that link: this is its end.
    /// </summary>
    public event Action<PeerInfo>? PuzzleSent;

    /// <summary>
    /// A direct message sent by name (no identity given) went into the conversation with the identity the hub holds
    /// under that name (PROTOCOL.md 4.8): the name as sent, then that identity's fingerprint; raised once per such
    /// message, in the order sent. It says whose group the text is in, not that it was delivered.
    /// </summary>
    public event Action<string, string>? DirectBound;

    /// <summary>A link closed cleanly; the flag says whether the peer closed it.</summary>
    public event Action<PeerInfo, bool>? Closed;

    /// <summary>
    /// A peer closed and said how many of the records it received: this many of the chat messages this side sent
    /// on that link never arrived (raised just before <see cref="Closed"/>, only when not zero).
    /// </summary>
    public event Action<PeerInfo, int>? MessagesLost;

    /// <summary>
    /// Client: how many records the server's side of the link has delivered so far (messages, notices and heartbeats
    /// alike, each a sign that the server was alive), on the current link; it stops growing when the link ends. A line
    /// sent when this read N, on a link that then ended without the server's Close while it still read N, was sent
    /// after the server was last heard from. Always 0 on a server. Any thread; never call it under a lock an event
    /// handler takes.
    /// </summary>
    public virtual ulong RecordsHeard => 0;

    /// <summary>This side's display name.</summary>
    public abstract string Name { get; }

    /// <summary>
    /// Every current link, in the order they connected: a client's one link to its server (kept after it ended, so
    /// its final stage can be shown), or a server's connected peers (handshaking or secure).
    /// </summary>
    public abstract IReadOnlyList<PeerInfo> Links { get; }

    /// <summary>True when a message sent now would reach someone: at least one link is secure.</summary>
    public bool CanSend => Links.Any(l => l.IsSecure);

    /// <summary>Completes when this side is done: a client's link has ended, or a server has stopped.</summary>
    public abstract Task Completion { get; }

    /// <summary>The room every member is in on connect.</summary>
    public const string Lobby = "#lobby";

    /// <summary>The rooms this side is in, as the hub spells them, in the order entered.</summary>
    public abstract IReadOnlyList<string> Rooms { get; }

    /// <summary>Sends a message to <see cref="Lobby"/>.</summary>
    public ValueTask SendAsync(string text, CancellationToken cancellationToken = default) => SendAsync(Lobby, text, cancellationToken);

    /// <summary>Sends a message to a room this side is in.</summary>
    public abstract ValueTask SendAsync(string room, string text, CancellationToken cancellationToken = default);

    /// <summary>Sends a direct message to one person (by identity when known, else by name).</summary>
    public abstract ValueTask SendDirectAsync(Person to, string text, CancellationToken cancellationToken = default);

    /// <summary>Asks the hub to join, part, list, set a topic or mode, invite, kick, ban, mute or op.</summary>
    public abstract void Request(RoomRequest request);

    /// <summary>Starts a rekey on every secure link; returns how many started.</summary>
    public abstract int RequestRekey();

    /// <summary>Changes this side's display name and tells the peers.</summary>
    public abstract void ChangeName(string name);

    /// <summary>Closes every link cleanly (peers see that we left) and waits for the sockets to close.</summary>
    public abstract Task StopAsync();

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// The one translation of a link's session events into this endpoint's events, for client and server alike;
    /// what differs by role (names, relay, presence) is in the hooks below.
    /// </summary>
    private protected void Translate(Link link, SessionEvent e)
    {
        if (e is PresenceEvent or RoomInfoEvent or RoomNoticeEvent or ReplyEvent or AcknowledgedEvent)
        {
            OnLinkRecord(link, e);
        }

        switch (e)
        {
            case StageChangedEvent:
                OnStageChanged(link.Snapshot());
                break;
            case EstablishedEvent:
                // The link's state first (a member's final name), then the events in the order a person reads them:
                // the secure connection, then who joined.
                Action? announce = OnLinkEstablished(link);
                OnEstablished(link.Snapshot());
                announce?.Invoke();
                break;
            case RekeyedEvent:
                OnRekeyed(link.Snapshot());
                break;
            case PeerNamedEvent named:
                OnLinkNamed(link, named.Name);
                break;
            case PresenceEvent { Kind: PresenceKind.You } own:
                OnNameAssigned(own.Name);
                break;
            case PresenceEvent presence:
                if (presence.Kind == PresenceKind.Refused)
                {
                    OnNameKept(presence.Name);
                }

                OnPresenceChanged(new PresenceNotice(presence.Kind, presence.Name, presence.NewName, link.Snapshot())
                {
                    Identity = IdentityFingerprint.FromDigest(presence.Digest),
                    IdentityDigest = presence.Digest,
                    Room = presence.Room.Length > 0 ? presence.Room : null,
                    Text = presence.Kind == PresenceKind.Parted ? presence.Text : string.Empty,
                    RoomOperator = (presence.Flags & PresenceRecord.FlagOperator) != 0,
                    Muted = (presence.Flags & PresenceRecord.FlagMuted) != 0,
                });
                break;
            case RoomNoticeEvent notice:
                OnRoomChanged(new RoomNotice(notice.Kind, notice.Room, notice.ActorName, IdentityOrNull(notice.Actor), notice.TargetName, IdentityOrNull(notice.Target), notice.Text, link.Snapshot()));
                break;
            case RoomInfoEvent info:
                OnRoomChanged(new RoomNotice(RoomNoticeKindOf(info.Kind), info.Room, string.Empty, null, string.Empty, null, info.Topic, link.Snapshot())
                {
                    InviteOnly = info.Kind != RoomInfoKind.ListEnd && (info.Flags & RoomInfoRecord.FlagInviteOnly) != 0,
                    Operator = info.Kind == RoomInfoKind.Entered && (info.Flags & RoomInfoRecord.FlagOperator) != 0,
                    Members = info.Members,
                    GroupId = info.GroupId,
                    Founder = info.Kind == RoomInfoKind.Entered && (info.Flags & RoomInfoRecord.FlagFounder) != 0,
                });
                break;
            case ReplyEvent reply when !IsGroupReply(reply):
                OnReplied(new HubReply(
                    reply.Code,
                    RequestOf(reply.Op),
                    IsDirectReply(reply.Op, reply.Room),
                    reply.Room,
                    reply.Name,
                    IdentityOrNull(reply.Digest),
                    reply.Text,
                    link.Snapshot()));
                break;
            case AcknowledgedEvent acknowledged:
                OnAcknowledged(link.Snapshot(), acknowledged.ChatMessages);
                break;
            case LagEvent lag:
                OnLagMeasured(link.Snapshot(), lag.RoundTrip);
                break;
            case RoomRequestEvent request:
                OnLinkRequest(link, request);
                break;
            case ClosedEvent closed:
                OnLinkEnded(link);
                if (closed.Undelivered > 0)
                {
                    MessagesLost?.Invoke(link.Snapshot(), closed.Undelivered);
                }

                OnClosed(link.Snapshot(), closed.ByPeer);
                OnLinkEndReported(link);
                break;
            case FailedEvent failed:
                OnLinkEnded(link);
                OnLinkFailed(link, failed.Failure);
                OnLinkEndReported(link);
                break;
        }
    }

    /// <summary>
    /// A Reply that only a group book acts on (PROTOCOL.md 4.8): to KeyPackages and GroupMessage, and to the Requests
    /// <c>key package</c> and <c>resync</c> the book makes; not raised as <see cref="Replied"/>.
    /// </summary>
    private protected static bool IsGroupReply(ReplyEvent reply) => IsGroupReply(reply.Code, reply.Op);

    /// <summary>True for the Replies of PROTOCOL.md 4.8 that only a group book acts on.</summary>
    internal static bool IsGroupReply(ReplyCode code, byte op) => op switch
    {
        (byte)FrameType.KeyPackages => code is ReplyCode.BadKeyPackage or ReplyCode.FewKeyPackages,
        (byte)FrameType.GroupMessage => code == ReplyCode.StaleEpoch, // muted and not member are the user's to see
        (byte)RoomOp.KeyPackage or (byte)RoomOp.Resync => true,
        _ => false,
    };

    /// <summary>
    /// A link's keys are confirmed: settles its state before Established is raised, and returns what to announce
    /// after it (joins), or null.
    /// </summary>
    private protected virtual Action? OnLinkEstablished(Link link) => null;

    /// <summary>The room operation a Reply answers; null for a Reply to a KeyPackages or a GroupMessage.</summary>
    internal static RoomOp? RequestOf(byte op) => op is >= 1 and <= RequestRecord.OpMax ? (RoomOp)op : null;

    /// <summary>True for a Reply about a direct message: to a GroupMessage of a direct conversation (no room).</summary>
    internal static bool IsDirectReply(byte op, string room) => op == ReplyRecord.OpGroupMessage && room.Length == 0;

    /// <summary>Hub: a client's room request.</summary>
    private protected virtual void OnLinkRequest(Link link, RoomRequestEvent request)
    {
    }

    /// <summary>
    /// Client: a presence notice, room event, room info or reply from the hub, before it is raised, so this side's state
    /// (its rooms, the operator's name, the identities it knows) follows it first.
    /// </summary>
    private protected virtual void OnLinkRecord(Link link, SessionEvent record)
    {
    }

    /// <summary>The fingerprint of a digest, or null for all zero (nobody).</summary>
    private protected static string? IdentityOrNull(byte[] digest) =>
        digest.Length == WireFormat.IdentityDigestSize && !RecordPayload.IsNobody(digest) ? IdentityFingerprint.FromDigest(digest) : null;

    private static RoomNoticeKind RoomNoticeKindOf(RoomInfoKind kind) => kind switch
    {
        RoomInfoKind.Entered => RoomNoticeKind.Entered,
        RoomInfoKind.Listed => RoomNoticeKind.Listed,
        _ => RoomNoticeKind.ListEnd,
    };

    /// <summary>A link failed: the app is told (<see cref="Failed"/>) unless the role says otherwise (a puzzle, a retry).</summary>
    private protected virtual void OnLinkFailed(Link link, SessionFailure failure) => OnFailed(link.Snapshot(), failure);

    /// <summary>Client: the hub named this side.</summary>
    private protected virtual void OnNameAssigned(string name) => NameAssigned?.Invoke(name);

    private protected void OnGroupNotice(Groups.GroupNotice notice) => OnGroupChanged(GroupEventNotice.From(notice));

    private protected void OnGroupChanged(GroupEventNotice notice) => GroupChanged?.Invoke(notice);

    /// <summary>Client: the hub refused a rename (too fast); this side's name is still <paramref name="name"/>.</summary>
    private protected virtual void OnNameKept(string name)
    {
    }

    /// <summary>Hub: the client on a link asked for a name (Nick).</summary>
    private protected virtual void OnLinkNamed(Link link, string name)
    {
    }

    /// <summary>A link closed or failed (before Closed or Failed is raised).</summary>
    private protected virtual void OnLinkEnded(Link link)
    {
    }

    /// <summary>A link's end was reported to the app (after Closed or Failed).</summary>
    private protected virtual void OnLinkEndReported(Link link)
    {
    }

    private protected void OnStageChanged(PeerInfo peer) => StageChanged?.Invoke(peer);

    private protected void OnEstablished(PeerInfo peer) => Established?.Invoke(peer);

    private protected void OnRekeyed(PeerInfo peer) => Rekeyed?.Invoke(peer);

    private protected void OnMessageReceived(ChatMessage message) => MessageReceived?.Invoke(message);

    private protected void OnPresenceChanged(PresenceNotice notice) => PresenceChanged?.Invoke(notice);

    private protected void OnFailed(PeerInfo peer, SessionFailure failure) => Failed?.Invoke(peer, failure);

    private protected void OnPuzzleSent(PeerInfo peer) => PuzzleSent?.Invoke(peer);

    private protected void OnClosed(PeerInfo peer, bool byPeer) => Closed?.Invoke(peer, byPeer);

    private protected void OnRoomChanged(RoomNotice notice) => RoomChanged?.Invoke(notice);

    private protected void OnReplied(HubReply reply) => Replied?.Invoke(reply);

    private protected void OnDirectBound(string name, byte[] digest) => DirectBound?.Invoke(name, IdentityFingerprint.FromDigest(digest));

    private protected void OnAcknowledged(PeerInfo peer, int messages) => Acknowledged?.Invoke(peer, messages);

    private protected void OnLagMeasured(PeerInfo peer, TimeSpan lag) => LagMeasured?.Invoke(peer, lag);

    private protected void OnReconnecting(TimeSpan delay, int attempt) => Reconnecting?.Invoke(delay, attempt);
}
