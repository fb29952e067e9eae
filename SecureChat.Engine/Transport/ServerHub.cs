using System.Collections.Concurrent;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Diagnostics;
using SecureChat.Engine.Hub;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Session.Trust;

namespace SecureChat.Engine.Transport;

/// <summary>
/// A <see cref="ChatServer"/>'s links as members of its <see cref="HubRouter"/>: every accepted link, the member each
/// secure one became (backed by a <see cref="LinkMember"/>), and the operator's member (backed by an
/// <see cref="OperatorOutput"/> that raises the server's events). Turns what a client sends (Request, Nick; its group
/// records go through <see cref="LinkGroupRecords"/>) into the router's operations, and a flood of requests into a
/// failed session. Thread-safe.
/// </summary>
internal sealed class ServerHub
{
    private readonly ConcurrentDictionary<int, Link> _links = new();
    private readonly ConcurrentDictionary<int, HubMember> _members = new();

    /// <summary>The output each secure link's member was given, so a link's end drops its member only while that is still the member's.</summary>
    private readonly ConcurrentDictionary<int, IMemberOutput> _outputs = new();

    /// <summary>A link of each identity (the latest to become a member), for the link an operator's event is about.</summary>
    private readonly ConcurrentDictionary<string, Link> _byIdentity = new(StringComparer.Ordinal);
    private readonly ChatOptions _options;
    private readonly ServerMetrics _metrics;
    private readonly ServerOutputBudget _budget;

    public ServerHub(ChatOptions options, string operatorName, OperatorEvents events, Func<PeerInfo> self, ServerMetrics metrics, ServerOutputBudget budget)
    {
        _options = options;
        _metrics = metrics;
        _budget = budget;
        ISigner identity = SessionSettingsFactory.IdentityOf(options);
        Func<string, byte[]?>? owner = options.NameOwner is { } ownerKey
            ? name => ownerKey(name) is { Length: IdentityFingerprint.PublicKeySize } key ? IdentityFingerprint.IdentityDigest(key) : null
            : null;
        var settings = new HubSettings
        {
            Time = options.Time,
            Bans = options.Bans is { } bans ? bans : new MemoryRoomBans(),
            ClaimName = options.ClaimName,
            NameOwner = owner,
            RequestBurst = options.RequestBurst,
            RequestInterval = options.RequestInterval,
            AwayMax = options.AwayMax,
            AwayQueueBytes = options.AwayQueueBytes,
        };
        Events = new EventQueue(held: true, messageBytesLimit: options.ReceiveQueueLimit); // released when the server starts: the operator's first events wait for their subscribers
        var output = new OperatorOutput(Events, (subject, digest) => Via(subject, digest) ?? self(), events);
        Router = new HubRouter(settings, IdentityFingerprint.IdentityDigest(identity.PublicKey), identity.PublicKey, operatorName, output);
    }

    public HubRouter Router { get; }

    /// <summary>Where the operator's events wait their turn.</summary>
    public EventQueue Events { get; }

    /// <summary>Every link, in no particular order.</summary>
    public ICollection<Link> Links => _links.Values;

    public int Count => _links.Count;

    public void Add(Link link) => _links[link.Id] = link;

    public void Remove(Link link) => _links.TryRemove(link.Id, out _);

    /// <summary>A secure link becomes a member: told its name, then in <c>#lobby</c>.</summary>
    public void Connect(Link link)
    {
        PeerIdentity peer = link.Peer ?? throw new InvalidOperationException("only a secure link becomes a member");
        var output = new LinkMember(link);
        _outputs[link.Id] = output;
        HubMember member = Router.Connect(link.Id, peer.Digest, peer.PublicKey, peer.Name, output, out IMemberOutput? replaced);
        _members[link.Id] = member;
        if (replaced is LinkMember old && old.Link != link)
        {
            _members.TryRemove(old.Link.Id, out _); // its end drops nothing: the identity carries on here
            _ = old.Link.CloseAsync(AlertCode.Replaced);
        }

        _byIdentity[member.Identity] = link;
        link.Name = Router.NameOf(member);
    }

    /// <summary>The member a secure link became, or null (not yet, or no longer).</summary>
    public HubMember? MemberOf(Link link) => _members.GetValueOrDefault(link.Id);

    /// <summary>The link ended: its identity is away (or leaves the hub when in no room; PROTOCOL.md 4.8), unless another link replaced it.</summary>
    public void Leave(Link link)
    {
        _outputs.TryRemove(link.Id, out IMemberOutput? output);
        if (_members.TryRemove(link.Id, out HubMember? member))
        {
            _byIdentity.TryRemove(new KeyValuePair<string, Link>(member.Identity, link));
            Router.Drop(member, output);
        }
    }

    /// <summary>A member's Nick, within its limits (see <see cref="ChatServer"/>): renamed, or told it was too fast.</summary>
    public void Rename(Link link, string requested, bool refused)
    {
        if (_members.TryGetValue(link.Id, out HubMember? member))
        {
            if (refused)
            {
                Router.RefuseRename(member);
            }
            else
            {
                link.Name = Router.Rename(member, requested);
            }
        }
    }

    /// <summary>
    /// A member's GroupMessage (a link's or the operator's): relayed by the router as GroupRelays, counted and its
    /// fan-out timed on <see cref="ChatMetrics"/> as a room's or a direct conversation's records. Returns how many it was
    /// sealed for, or -1 when its <c>mls</c> is not an application message.
    /// </summary>
    public int GroupMessage(HubMember member, GroupMessageRecord record)
    {
        long start = _metrics.Sealing();
        int sealedFor = Router.GroupMessage(member, record);
        _metrics.Sealed(Math.Max(sealedFor, 0), start, _budget.Unsent, record.Target.IsRoom ? ChatMetrics.KindRoom : ChatMetrics.KindDirect);
        return sealedFor;
    }

    /// <summary>A member's Request (a flood of requests ends its session).</summary>
    public void Request(Link link, RoomRequestEvent request)
    {
        if (!_members.TryGetValue(link.Id, out HubMember? member))
        {
            return;
        }

        switch (Router.Request(member, new RoomRequest(request.Op, request.Room, request.Name, request.Text), out ReplyCode? answer))
        {
            case RequestOutcome.Handled when answer is { } code:
                _metrics.RequestHandled(request.Op, code);
                break;
            case RequestOutcome.Flood:
                link.Fail(FailureReason.ProtocolViolation, $"a flood of room requests (more than {_options.RequestBurst * HubSettings.FloodFactor} at once or faster than one per {(_options.RequestInterval / HubSettings.FloodFactor).TotalMilliseconds:0.#} ms)");
                break;
            case RequestOutcome.Violation:
                link.Fail(FailureReason.ProtocolViolation, "a room mode other than +i or -i");
                break;
        }
    }

    /// <summary>The first link of an identity, or null (the operator, or someone not connected).</summary>
    public PeerInfo? LinkOf(byte[] digest) => Via(null, digest);

    /// <summary>The link an operator's event is about: by member id when known, else the first link of that identity; null for the operator.</summary>
    private PeerInfo? Via(int? subject, byte[] digest)
    {
        if (subject is int id && _links.TryGetValue(id, out Link? byId))
        {
            return byId.Snapshot();
        }

        return _byIdentity.TryGetValue(Convert.ToHexString(digest), out Link? link) ? link.Snapshot() : null;
    }
}
