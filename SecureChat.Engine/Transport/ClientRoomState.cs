using SecureChat.Engine.Chat;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;

namespace SecureChat.Engine.Transport;

/// <summary>
/// What a client keeps of the hub between its links (PROTOCOL.md 4.2): the rooms it is in and wants
/// (<see cref="ClientRoomList"/>), the identities the hub has named (<see cref="KnownIdentities"/>), and how the hub's
/// notices change them; and what a new link does with them (join every room again). Thread-safe.
/// </summary>
internal sealed class ClientRoomState(ChatOptions options)
{
    /// <summary>How long a join refused as too fast waits before it is asked again (the hub refills one request per 250 ms).</summary>
    internal static readonly TimeSpan RejoinRetry = TimeSpan.FromSeconds(1);

    private readonly ClientRoomList _rooms = new(options.Rooms);
    private readonly KnownIdentities _identities = new();

    /// <summary>The identity behind each name the hub announced (Presence member, joined, renamed), under its own lock.</summary>
    private readonly Dictionary<string, byte[]> _names = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>This side's identity digest: a notice about it (parted, kicked, banned) is about this side.</summary>
    private readonly byte[] _own = IdentityFingerprint.IdentityDigest(SessionSettingsFactory.IdentityOf(options).PublicKey);

    public IReadOnlyList<string> Rooms => _rooms.Current;

    /// <summary>
    /// The wire's person for a direct message: the whole digest of a fingerprint the hub has named (so a rename cannot
    /// redirect it), else the name. Throws <see cref="ArgumentException"/> for an identity never seen or a name that
    /// cannot be one.
    /// </summary>
    public PersonRef Target(Person to)
    {
        if (!string.IsNullOrWhiteSpace(to.Identity))
        {
            return new PersonRef(string.Empty, _identities.DigestOf(to.Identity)
                ?? throw new ArgumentException($"no one with the identity {to.Identity} has been seen on this hub", nameof(to)));
        }

        return RecordPayload.IsValidName(to.Name)
            ? new PersonRef(to.Name, null)
            : throw new ArgumentException("a direct message needs a name of 1 to 64 bytes or a known identity", nameof(to));
    }

    /// <summary>The identity digest of the person the hub last announced under <paramref name="name"/>, or null.</summary>
    public byte[]? DigestOfName(string name)
    {
        lock (_names)
        {
            return _names.GetValueOrDefault(name.Trim());
        }
    }

    /// <summary>The digest of a fingerprint the hub has named, or null.</summary>
    public byte[]? DigestOf(string fingerprint) => _identities.DigestOf(fingerprint);

    /// <summary>With no secure link: a join waits for the next link and a part is forgotten at once (true); anything else cannot wait (false).</summary>
    public bool HoldWhileDisconnected(RoomRequest request)
    {
        switch (request.Op)
        {
            case RoomOp.Join when RoomName.IsValid(request.Room):
                _rooms.Want(request.Room);
                return true;
            case RoomOp.Part:
                _rooms.Left(request.Room);
                return true;
            default:
                return false;
        }
    }

    /// <summary>A link became secure: asks to join every room of the last link and every room asked for (the hub enters #lobby by itself).</summary>
    public void Rejoin(Link link)
    {
        _identities.Saw(link.Peer!.Digest);
        foreach (string room in _rooms.ToRejoin)
        {
            Join(link, room);
        }
    }

    /// <summary>The sender of a message the hub relayed.</summary>
    public void Saw(byte[] digest) => _identities.Saw(digest);

    /// <summary>
    /// Follows one of the hub's notices before it is raised: the rooms this side is in (entered; parted, kicked or
    /// banned itself; a join refused, or asked again when refused as too fast), the operator's name (a Renamed notice
    /// about the server's identity), and the identities named.
    /// </summary>
    public void Follow(Link link, SessionEvent record)
    {
        switch (record)
        {
            case PresenceEvent presence:
                _identities.Saw(presence.Digest);
                NameSeen(presence);
                if (presence.Kind == PresenceKind.Renamed && IsServer(link, presence.Digest))
                {
                    link.Name = presence.NewName;
                }
                else if (presence.Kind == PresenceKind.Parted && IsOwn(presence.Digest))
                {
                    _rooms.Left(presence.Room);
                }

                break;
            case RoomInfoEvent { Kind: RoomInfoKind.Entered } entered:
                _rooms.Entered(entered.Room);
                break;
            case RoomNoticeEvent notice:
                _identities.Saw(notice.Actor);
                _identities.Saw(notice.Target);
                if (notice.Kind is RoomNoticeKind.Kicked or RoomNoticeKind.Banned && IsOwn(notice.Target))
                {
                    _rooms.Left(notice.Room);
                }

                break;
            case ReplyEvent reply:
                _identities.Saw(reply.Digest);
                if (reply.Op == (byte)RoomOp.Join && reply.Code == ReplyCode.RateLimited)
                {
                    JoinLater(link, reply.Room); // many rooms rejoined at once outrun the hub's request budget
                }
                else if (reply.Op == (byte)RoomOp.Join && reply.Code != ReplyCode.Done)
                {
                    _rooms.Left(reply.Room); // banned, invite-only, too many rooms, not a room name: not asked again
                }

                break;
        }
    }

    private void NameSeen(PresenceEvent presence)
    {
        string? name = presence.Kind switch
        {
            PresenceKind.Member or PresenceKind.Joined or PresenceKind.Back => presence.Name,
            PresenceKind.Renamed => presence.NewName,
            _ => null,
        };
        if (name is null || name.Length == 0 || IsOwn(presence.Digest))
        {
            return;
        }

        lock (_names)
        {
            if (_names.Count >= KnownIdentities.Max && !_names.ContainsKey(name))
            {
                _names.Clear();
            }

            _names[name] = presence.Digest.ToArray();
        }
    }

    /// <summary>True when <paramref name="digest"/> is the identity the server proved in the handshake (its operator's).</summary>
    public static bool IsServer(Link link, ReadOnlySpan<byte> digest) => link.Peer is { } server && digest.SequenceEqual(server.Digest);

    public bool IsOwn(ReadOnlySpan<byte> digest) => digest.SequenceEqual(_own);

    private static void Join(Link link, string room) => link.RunIfSecure(chat => chat.SendRequest(RoomOp.Join, room, string.Empty, string.Empty));

    /// <summary>Asks again to join a room the hub refused as too fast, unless it is no longer wanted by then.</summary>
    private void JoinLater(Link link, string room) =>
        _ = Task.Delay(RejoinRetry, options.Time).ContinueWith(
            _ =>
            {
                if (_rooms.ToRejoin.Any(r => RoomName.AreSame(r, room)))
                {
                    Join(link, room);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
}
