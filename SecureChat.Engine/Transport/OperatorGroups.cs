using SecureChat.Engine.Crypto;
using SecureChat.Engine.Groups;
using SecureChat.Engine.Hub;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Transport;

/// <summary>
/// The hub operator's MLS groups (PROTOCOL.md 4.8: the operator is a member like any client): its own
/// <see cref="GroupBook"/> under the server's identity, fed the group records the hub's operator output gives it, in
/// order on the operator's event queue; its key packages, commits and messages enter the delivery service as a link's
/// would, as the operator member. The book is called under this object's lock only, never under the hub's (the hub's
/// answers to the operator are posted to the queue). Once bound, its leaves are renewed when due
/// (<see cref="GroupRenewal"/> on the hub's clock), as a client's are. Thread-safe.
/// </summary>
internal sealed class OperatorGroups : IOperatorGroups, IGroupOutbox, IDisposable
{
    private readonly object _gate = new();
    private readonly GroupFiles? _files;
    private readonly Func<byte[], PeerInfo> _via;
    private readonly Action<ChatMessage> _message;
    private readonly TimeProvider _time;
    private GroupRenewal? _renewal;
    private ServerHub? _hub;
    private ulong _sent;
    private bool _disposed;

    public OperatorGroups(ChatOptions options, Func<byte[], PeerInfo> via, Action<ChatMessage> message)
    {
        _via = via;
        _message = message;
        _time = options.Time;
        if (SessionSettingsFactory.IdentityOf(options) is not ISeedSigner identity)
        {
            throw new ArgumentException("the identity's private key cannot be read, and MLS leaves sign with it", nameof(options));
        }

        byte[] seed = identity.ExportSeed();
        try
        {
            _files = options.GroupDirectory is { } directory ? new GroupFiles(directory, seed) : null;
            Book = new GroupBook(identity.PublicKey, seed, options.Time, this, _files);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(seed);
        }

        Book.TextReceived += OnText;
    }

    /// <summary>The book; call it only through <see cref="Use"/>.</summary>
    public GroupBook Book { get; }

    /// <summary>Binds the book to the hub once it exists: restores the stored groups and offers key packages.</summary>
    public void Bind(ServerHub hub)
    {
        _hub = hub;
        Use(book =>
        {
            book.Restore();
            book.LinkSecured();
        });
        lock (_gate)
        {
            _renewal = _disposed ? null : new GroupRenewal(_time, () => Use(book => book.Tick()));
        }
    }

    /// <summary>Runs <paramref name="action"/> on the book under the lock, then saves what it changed.</summary>
    public void Use(Action<GroupBook> action)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return; // the server stopped: what its queue still raises finds no book
            }

            try
            {
                action(Book);
            }
            finally
            {
                Book.SaveChanges();
            }
        }
    }

    /// <summary>The state of <paramref name="target"/>'s group in the operator's book, its epoch and leaves (null without one).</summary>
    public (MemberGroupStatus Status, ulong? Epoch, uint? Leaves) GroupOf(GroupTarget target)
    {
        lock (_gate)
        {
            return _disposed
                ? (MemberGroupStatus.NoGroup, null, null)
                : (Book.StatusOf(target), Book.StateOf(target)?.Epoch, Book.StateOf(target)?.Tree.LeafCount);
        }
    }

    /// <summary>Queues the operator's text in a group; it goes out once the group is usable.</summary>
    public void Send(GroupTarget target, string text) => Use(book => book.SendText(target, text));

    public void Entered(string room, bool founder, byte[] groupId) => Use(book => book.RoomEntered(room, founder, groupId));

    public void Task(GroupTaskRecord task) => Use(book => book.GroupTask(task));

    public void CommitResult(CommitResultRecord result) => Use(book => book.CommitResult(result));

    public void CommitRelay(CommitRelayRecord relay) => Use(book => book.CommitRelay(relay));

    public void WelcomeRelay(WelcomeRelayRecord relay) => Use(book => book.WelcomeRelay(relay));

    public void GroupRelay(GroupRelayRecord relay) => Use(book => book.GroupRelay(relay));

    public void KeyPackageRelay(KeyPackageRelayRecord relay) => Use(book => book.KeyPackageRelayed(relay));

    /// <summary>Presence about a room's members, posted in order with the group records.</summary>
    public void Presence(PresenceKind kind, string room, byte[] digest)
    {
        switch (kind)
        {
            case PresenceKind.Member or PresenceKind.Joined when room.Length > 0:
                Use(book => book.MemberAnnounced(room, digest));
                break;
            case PresenceKind.Parted:
                Use(book => LeftRoom(book, room, digest));
                break;
            case PresenceKind.Left:
                Use(book => book.PersonLeft(digest));
                break;
        }
    }

    /// <summary>RoomEvent <c>kicked</c> or <c>banned</c> of <paramref name="target"/>.</summary>
    public void Removed(string room, byte[] target) => Use(book => LeftRoom(book, room, target));

    /// <summary>The hub's Reply to the operator's GroupMessage, KeyPackages or <c>key package</c> Request.</summary>
    public void Replied(ReplyCode code, byte op, string room, byte[] digest, string text)
    {
        switch (code, op)
        {
            case (ReplyCode.StaleEpoch, HubGroups.GroupMessageOp):
                Use(book => book.StaleEpoch(room.Length > 0 ? GroupTarget.ForRoom(room) : GroupTarget.ForPerson(digest)));
                break;
            case (ReplyCode.FewKeyPackages, HubGroups.KeyPackagesOp):
                Use(book => book.FewKeyPackages(int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int held) ? held : 0));
                break;
            case (ReplyCode.NoKeyPackage or ReplyCode.NoSuchName or ReplyCode.NotConnected, (byte)RoomOp.KeyPackage):
                Use(book => book.KeyPackageUnavailable(digest, code == ReplyCode.NoKeyPackage ? "the hub holds no key package of that person" : "that person is not known to the hub"));
                break;
        }
    }

    void IGroupOutbox.SendKeyPackages(KeyPackagesRecord record) => Hub.Router.KeyPackages(Hub.Router.Operator, record);

    void IGroupOutbox.SendCommit(GroupCommitRecord record) => Hub.Router.GroupCommit(Hub.Router.Operator, record);

    /// <summary>
    /// The operator's text enters the delivery service at once; what the hub answers it (a Reply posted to the queue)
    /// comes before the acknowledgement posted after it, as a link's Reply comes before the Ack covering it.
    /// </summary>
    ulong IGroupOutbox.SendMessage(GroupMessageRecord record)
    {
        ulong sequence = _sent++;
        Hub.GroupMessage(Hub.Router.Operator, record);
        Hub.Events.Post(nameof(IGroupOutbox.SendMessage), () => Use(book => book.Acknowledged(sequence + 1)));
        return sequence;
    }

    void IGroupOutbox.RequestKeyPackage(byte[] digest) =>
        Hub.Router.Request(Hub.Router.Operator, new RoomRequest(RoomOp.KeyPackage, string.Empty, string.Empty, Convert.ToHexStringLower(digest)));

    void IGroupOutbox.RequestResync(GroupTarget target) =>
        Hub.Router.Request(Hub.Router.Operator, target.IsRoom
            ? new RoomRequest(RoomOp.Resync, target.Room)
            : new RoomRequest(RoomOp.Resync, string.Empty, string.Empty, Convert.ToHexStringLower(target.Digest!)));

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _renewal?.Dispose();
            Book.Dispose();
            _files?.Dispose();
        }
    }

    private ServerHub Hub => _hub ?? throw new InvalidOperationException("the operator's groups are not bound to the hub yet");

    private void LeftRoom(GroupBook book, string room, byte[] digest)
    {
        if (digest.AsSpan().SequenceEqual(Hub.Router.Operator.Digest))
        {
            book.OwnLeftRoom(room);
        }
        else
        {
            book.PersonLeftRoom(room, digest);
        }
    }

    private void OnText(GroupTextReceived text) =>
        _message(new ChatMessage(text.SenderName, text.Text, DateTimeOffset.Now, _via(text.SenderDigest))
        {
            SenderIdentity = IdentityFingerprint.FromDigest(text.SenderDigest),
            Room = text.Target.IsRoom ? text.Target.Room : null,
            Direct = !text.Target.IsRoom,
        });
}
