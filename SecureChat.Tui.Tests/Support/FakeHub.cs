using System.Net;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Tui.Tests.Support;

/// <summary>
/// A client endpoint with no network: a test raises the hub's events (<see cref="Message"/>, <see cref="Presence"/>,
/// <see cref="Room"/>, <see cref="Reply"/>) as the real client would translate them, and reads what the model asked
/// of the engine (<see cref="Requests"/>, <see cref="Sent"/>, <see cref="Directs"/>). The link is secure from the
/// start. Thread-safe.
/// </summary>
internal sealed class FakeHub : ChatEndpoint
{
    private readonly object _gate = new();
    private readonly List<RoomRequest> _requests = [];
    private readonly List<(string Room, string Text)> _sent = [];
    private readonly List<(Person To, string Text)> _directs = [];
    private readonly List<string> _rooms = [Lobby];
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string _name;

    /// <param name="serverKey">The server's identity public key the link proved (32 bytes), or null for none.</param>
    public FakeHub(string name = "Carol", string serverIdentity = "5E5E 0000 0000 0000 0000 0000 0000 0001", byte[]? serverKey = null)
    {
        _name = name;
        Link = new PeerInfo(1, new IPEndPoint(IPAddress.Loopback, 12345), "Server", SessionStage.Secure, "F1F1", "123", null) { Identity = serverIdentity, IdentityKey = serverKey };
    }

    /// <summary>The identity digest the fake hub announces for a made-up identity fingerprint (SHA-256 of its text).</summary>
    public static byte[] DigestOf(string identity) => System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(identity));

    /// <summary>The link every event comes on.</summary>
    public PeerInfo Link { get; }

    public IReadOnlyList<RoomRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public IReadOnlyList<(string Room, string Text)> Sent
    {
        get
        {
            lock (_gate)
            {
                return [.. _sent];
            }
        }
    }

    public IReadOnlyList<(Person To, string Text)> Directs
    {
        get
        {
            lock (_gate)
            {
                return [.. _directs];
            }
        }
    }

    public override string Name => _name;

    public override IReadOnlyList<PeerInfo> Links => [Link];

    public override Task Completion => _done.Task;

    public override IReadOnlyList<string> Rooms
    {
        get
        {
            lock (_gate)
            {
                return [.. _rooms];
            }
        }
    }

    /// <summary>While set, a room message is recorded and then waits for this task (a link slow to take it).</summary>
    public Task? SendGate { get; set; }

    public override ValueTask SendAsync(string room, string text, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _sent.Add((room, text));
        }

        return SendGate is { } gate ? new ValueTask(gate) : ValueTask.CompletedTask;
    }

    public override ValueTask SendDirectAsync(Person to, string text, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _directs.Add((to, text));
        }

        return ValueTask.CompletedTask;
    }

    public override void Request(RoomRequest request)
    {
        lock (_gate)
        {
            _requests.Add(request);
        }
    }

    public override int RequestRekey() => 1;

    public override void ChangeName(string name) => _name = name;

    public override Task StopAsync()
    {
        _done.TrySetResult();
        return Task.CompletedTask;
    }

    // ---- the hub's side, raised by a test ----

    /// <summary>The link's keys are confirmed (what a model hears first of a real link).</summary>
    public void Secure()
    {
        OnStageChanged(Link);
        OnEstablished(Link);
    }

    /// <summary>The hub put this side in <paramref name="room"/> (RoomInfo Entered), then told its members.</summary>
    public void Enter(string room, bool op = false, string topic = "", params (string Name, string Identity)[] members)
    {
        lock (_gate)
        {
            _rooms.Add(room);
        }

        OnRoomChanged(new RoomNotice(RoomNoticeKind.Entered, room, string.Empty, null, string.Empty, null, topic, Link) { Operator = op, Members = members.Length + 1 });
        foreach ((string name, string identity) in members)
        {
            Presence(PresenceKind.Member, name, room, identity);
        }
    }

    public void Presence(PresenceKind kind, string name, string? room, string? identity, string text = "", string newName = "") =>
        OnPresenceChanged(new PresenceNotice(kind, name, newName, Link) { Room = room, Identity = identity, IdentityDigest = identity is null ? null : DigestOf(identity), Text = text });

    public void Group(GroupEventNotice notice) => OnGroupChanged(notice);

    public void Message(string sender, string identity, string text, string? room) =>
        OnMessageReceived(new ChatMessage(sender, text, DateTimeOffset.Now, Link) { SenderIdentity = identity, SenderDigest = DigestOf(identity), Relayed = true, Room = room, Direct = room is null });

    public void Room(RoomNoticeKind kind, string room, string actor = "", string? actorIdentity = null, string target = "", string? targetIdentity = null, string text = "") =>
        OnRoomChanged(new RoomNotice(kind, room, actor, actorIdentity, target, targetIdentity, text, Link));

    /// <summary>One room of a /list answer (<paramref name="room"/> empty: the end, with <paramref name="members"/> rooms).</summary>
    public void Listed(string room, long members, string topic = "", bool inviteOnly = false) =>
        OnRoomChanged(new RoomNotice(room.Length == 0 ? RoomNoticeKind.ListEnd : RoomNoticeKind.Listed, room, string.Empty, null, string.Empty, null, topic, Link)
        {
            Members = members,
            InviteOnly = inviteOnly,
        });

    public void Reply(ReplyCode code, RoomOp? op, string room = "", string name = "", string? identity = null, string text = "", bool forDirect = false) =>
        OnReplied(new HubReply(code, op, forDirect, room, name, identity, text, Link));

    private protected override void OnLinkNamed(Link link, string name)
    {
    }
}
