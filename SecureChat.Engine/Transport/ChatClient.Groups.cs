using System.Globalization;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Groups;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;

namespace SecureChat.Engine.Transport;

/// <summary>
/// The client's MLS groups (PROTOCOL.md 4.8, 4.9): its <see cref="GroupBook"/> on the current link, fed the hub's
/// room records it needs, and the texts it decrypts raised as messages.
/// </summary>
public sealed partial class ChatClient
{
    private MemberGroupLink? _groups;

    /// <summary>Direct texts to a name the hub has not announced, waiting for its key package (Request by name).</summary>
    private readonly Dictionary<string, List<string>> _byName = new(StringComparer.OrdinalIgnoreCase);
    private int _groupsDisposed;
    private Link? _groupsLinkSecured; // the link whose first Presence you started the book's link (Interlocked)

    /// <summary>The book of this client's identity, restored from <see cref="ChatOptions.GroupDirectory"/> when set.</summary>
    private MemberGroupLink CreateGroups(ChatOptions options)
    {
        if (SessionSettingsFactory.IdentityOf(options) is not ISeedSigner identity)
        {
            throw new ArgumentException("the identity's private key cannot be read, and MLS leaves sign with it", nameof(options));
        }

        byte[] seed = identity.ExportSeed();
        try
        {
            GroupFiles? files = options.GroupDirectory is { } directory ? new GroupFiles(directory, seed) : null;
            var groups = new MemberGroupLink(outbox => new GroupBook(identity.PublicKey, seed, options.Time, outbox, files), files, options.SendBufferLimit);
            groups.Book.TextReceived += OnGroupText;
            groups.Book.Notice += OnGroupNotice;
            groups.RequestNeeded += OnGroupRequest;
            groups.KeyPackageRelayed += OnKeyPackageRelayed;
            groups.Use(book => book.Restore());
            return groups;
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>The state of <paramref name="target"/>'s group in this client's book, and its epoch (null without one).</summary>
    internal (MemberGroupStatus Status, ulong? Epoch, uint? Leaves) GroupOf(GroupTarget target) =>
        Groups.Use(book => (book.StatusOf(target), book.StateOf(target)?.Epoch, book.StateOf(target)?.Tree.LeafCount));

    private MemberGroupLink Groups => _groups ?? throw new ObjectDisposedException(nameof(ChatClient));

    /// <summary>
    /// Queues a text in a group; it goes out once the group is usable, and is kept while it is not (also in a room
    /// being entered, before its RoomInfo <c>entered</c>).
    /// </summary>
    private void SendToGroup(GroupTarget target, string text) => Groups.Use(book => book.SendText(target, text, entering: true));

    /// <summary>
    /// A direct text to a name no announcement tied to an identity: it waits until the hub answers a <c>key package</c>
    /// Request by that name (its KeyPackageRelay names the identity, and the conversation starts).
    /// </summary>
    private void SendToName(string name, string text)
    {
        lock (_byName)
        {
            if (_byName.TryGetValue(name, out List<string>? waiting))
            {
                waiting.Add(text);
                return;
            }

            _byName[name] = [text];
        }

        _link?.RunIfSecure(chat => chat.SendRequest(RoomOp.KeyPackage, string.Empty, name, string.Empty));
    }

    private void OnKeyPackageRelayed(GroupBook book, KeyPackageRelayRecord record)
    {
        List<string>? waiting;
        lock (_byName)
        {
            _byName.Remove(record.Name, out waiting);
        }

        foreach (string text in waiting ?? [])
        {
            book.SendText(GroupTarget.ForPerson(record.Digest), text);
            OnDirectBound(record.Name, record.Digest);
        }
    }

    /// <summary>The hub found nobody by a name asked for: its waiting texts are answered as a direct message's were.</summary>
    private void NoOneNamed(ReplyEvent reply)
    {
        bool waited;
        lock (_byName)
        {
            // The hub answers a person who just connected once its key packages came (PROTOCOL.md 4.8): no retry.
            waited = _byName.Remove(reply.Name);
        }

        if (waited && Server is { } via)
        {
            OnReplied(new HubReply(reply.Code, null, true, string.Empty, reply.Name, null, string.Empty, via));
        }
    }

    /// <summary>
    /// The hub's records a group book needs, in the order they came. Only a link's first Presence <c>you</c> starts the
    /// book's link (PROTOCOL.md 4.9, "A new link"): the later ones answer this client's Nicks.
    /// </summary>
    private void FollowGroups(Link link, SessionEvent record)
    {
        MemberGroupLink groups = Groups;
        switch (record)
        {
            case PresenceEvent { Kind: PresenceKind.You } when Interlocked.Exchange(ref _groupsLinkSecured, link) != link:
                groups.Use(book => book.LinkSecured());
                break;
            case PresenceEvent { Kind: PresenceKind.Member or PresenceKind.Joined } member when member.Room.Length > 0:
                groups.Use(book => book.MemberAnnounced(member.Room, member.Digest));
                break;
            case PresenceEvent { Kind: PresenceKind.Parted } parted:
                groups.Use(book => LeftRoom(book, parted.Room, parted.Digest));
                break;
            case PresenceEvent { Kind: PresenceKind.Left } left:
                groups.Use(book => book.PersonLeft(left.Digest));
                break;
            case RoomInfoEvent { Kind: RoomInfoKind.Entered } entered:
                groups.Use(book => book.RoomEntered(entered.Room, (entered.Flags & RoomInfoRecord.FlagFounder) != 0, entered.GroupId));
                break;
            case RoomNoticeEvent { Kind: RoomNoticeKind.Kicked or RoomNoticeKind.Banned } removed:
                groups.Use(book => LeftRoom(book, removed.Room, removed.Target));
                break;
            case ReplyEvent { Op: (byte)RoomOp.KeyPackage, Name.Length: > 0 } reply when reply.Code != ReplyCode.Done:
                NoOneNamed(reply);
                FollowReply(groups, reply);
                break;
            case ReplyEvent reply:
                FollowReply(groups, reply);
                break;
            case AcknowledgedEvent acknowledged:
                groups.Use(book => book.Acknowledged(acknowledged.Records));
                break;
        }
    }

    private void LeftRoom(GroupBook book, string room, byte[] digest)
    {
        if (_hub.IsOwn(digest))
        {
            book.OwnLeftRoom(room);
        }
        else
        {
            book.PersonLeftRoom(room, digest);
        }
    }

    private static void FollowReply(MemberGroupLink groups, ReplyEvent reply)
    {
        switch (reply.Code, reply.Op)
        {
            case (ReplyCode.StaleEpoch, (byte)FrameType.GroupMessage):
                GroupTarget target = reply.Room.Length > 0 ? GroupTarget.ForRoom(reply.Room) : GroupTarget.ForPerson(reply.Digest);
                groups.Use(book => book.StaleEpoch(target));
                break;
            case (ReplyCode.FewKeyPackages, (byte)FrameType.KeyPackages):
                int held = int.TryParse(reply.Text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : 0;
                groups.Use(book => book.FewKeyPackages(held));
                break;
            case (ReplyCode.NoKeyPackage or ReplyCode.NoSuchName or ReplyCode.NotConnected, (byte)RoomOp.KeyPackage):
                string why = reply.Code switch
                {
                    ReplyCode.NoKeyPackage => "the hub holds no key package of that person",
                    ReplyCode.NoSuchName => "no one has that name",
                    _ => "the hub has never seen that identity",
                };
                groups.Use(book => book.KeyPackageUnavailable(reply.Digest, why));
                break;
        }
    }

    /// <summary>The book asks for a key package (to start a direct conversation) or a resync of a group it lost.</summary>
    private void OnGroupRequest(GroupTarget target, bool resync)
    {
        string digest = target.IsRoom ? string.Empty : Convert.ToHexStringLower(target.Digest!);
        RoomOp op = resync ? RoomOp.Resync : RoomOp.KeyPackage;
        _link?.RunIfSecure(chat => chat.SendRequest(op, target.IsRoom ? target.Room : string.Empty, string.Empty, digest));
    }

    /// <summary>A text the book decrypted and whose sender leaf carries the identity the hub named.</summary>
    private void OnGroupText(GroupTextReceived text)
    {
        if (Server is not { } via)
        {
            return;
        }

        _hub.Saw(text.SenderDigest);
        bool fromOperator = _link is { } link && ClientRoomState.IsServer(link, text.SenderDigest);
        OnMessageReceived(new ChatMessage(text.SenderName, text.Text, DateTimeOffset.Now, via)
        {
            SenderIdentity = IdentityFingerprint.FromDigest(text.SenderDigest),
            SenderDigest = text.SenderDigest,
            Relayed = !fromOperator,
            Room = text.Target.IsRoom ? text.Target.Room : null,
            Direct = !text.Target.IsRoom,
        });
    }

    private async ValueTask DisposeGroupsAsync()
    {
        if (Interlocked.Exchange(ref _groupsDisposed, 1) == 0 && _groups is { } groups)
        {
            await groups.DisposeAsync().ConfigureAwait(false);
        }
    }
}
