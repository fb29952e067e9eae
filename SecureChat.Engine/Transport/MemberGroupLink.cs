using System.Text;
using System.Threading.Channels;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Groups;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Transport;

/// <summary>
/// Joins a member's <see cref="GroupBook"/> to its current <see cref="Link"/> (PROTOCOL.md 4.8): the group records the
/// link receives go into the book, one at a time under this object's lock, and the book's changes are saved after
/// each; what the book sends goes out through the link in the order the book made it, by one pump that waits for room
/// in the send buffer, so the book (sans-I/O, synchronous) never blocks on the network. A text's record sequence
/// number, known only once sealed, is reported back to the book for its Ack bookkeeping. The book outlives links:
/// <see cref="Attach"/> moves it to a new one. Requests the book needs (a key package, a resync) are raised as
/// <see cref="RequestNeeded"/> for the owner, which speaks the Request records. While a link is secure, the book's
/// leaves are renewed when due (<see cref="GroupRenewal"/> on the book's clock). The owner's sends wait in
/// <see cref="WaitForRoomAsync"/> while more than the send buffer limit is unsent (texts waiting in the book for their
/// group, records waiting for the pump, bytes the link has not written), so what a caller can queue stays bounded while
/// the hub does not read. Thread-safe.
/// </summary>
internal sealed class MemberGroupLink : IMemberGroupRecords, IGroupOutbox, IAsyncDisposable
{
    private const ulong TicketBase = 1UL << 63;

    /// <summary>
    /// About what a record costs on the wire beyond the MLS bytes it carries (its target, the record's header, IV and tag),
    /// and a text beyond its UTF-8 bytes once in a GroupMessage (with the PrivateMessage's framing, signature and padding).
    /// </summary>
    private const int RecordOverhead = 64;
    private const int TextOverhead = 256;

    private readonly object _gate = new();
    private readonly object _roomGate = new(); // a leaf lock: nothing is called under it
    private readonly Channel<(Action<GroupRecordSender> Seal, ulong Ticket, int Bytes, Link? For)> _outbound =
        Channel.CreateUnbounded<(Action<GroupRecordSender>, ulong, int, Link?)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;
    private readonly GroupFiles? _files;
    private readonly GroupRenewal _renewal;
    private readonly int _sendLimit;
    private Link? _link;
    private ulong _nextTicket = TicketBase;
    private long _queued; // bytes of the records waiting for the pump (Interlocked)
    private TaskCompletionSource? _roomChanged; // under _roomGate
    private volatile bool _disposed;

    /// <param name="sendLimit">The send buffer limit (<see cref="ChatOptions.SendBufferLimit"/>) the owner's sends wait on.</param>
    public MemberGroupLink(Func<IGroupOutbox, GroupBook> makeBook, GroupFiles? files = null, int sendLimit = 1 << 20)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sendLimit, 1);
        _sendLimit = sendLimit;
        _files = files;
        Book = makeBook(this);
        _pump = Task.Run(PumpAsync);
        _renewal = new GroupRenewal(Book.Time, Renew);
    }

    /// <summary>
    /// The book of <paramref name="identity"/>: its MLS leaves sign with the identity key itself, and its groups and
    /// key packages are kept in <paramref name="config"/>'s <c>groups/</c>, restored here.
    /// </summary>
    public static MemberGroupLink ForIdentity(Identity.IdentityKey identity, Identity.ConfigDirectory config, TimeProvider time, Action<GroupNotice> notices)
    {
        byte[] seed = identity.ExportSeed();
        try
        {
            var files = new GroupFiles(config, seed);
            var link = new MemberGroupLink(outbox => new GroupBook(identity.PublicKey, seed, time, outbox, files), files);
            link.Book.Notice += notices;
            link.Use(book => book.Restore());
            return link;
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>The book; call it only through <see cref="Use"/>, which serialises with the link's records.</summary>
    public GroupBook Book { get; }

    /// <summary>The book asks for a Request: <c>key package</c> (with a digest) or <c>resync</c> (with a target).</summary>
    public event Action<GroupTarget, bool>? RequestNeeded;

    /// <summary>Hands the book's records to <paramref name="link"/> from now on; what waits to be sent goes there.</summary>
    public void Attach(Link link)
    {
        lock (_gate)
        {
            _link = link;
            link.MemberRecords = this;
        }

        RoomChanged();
    }

    /// <summary>
    /// Completes once less than the send buffer limit is unsent: the texts waiting in the book for their group, the
    /// records waiting for the pump and the bytes the link has sealed and not written. Returns at once once disposed.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    public async ValueTask WaitForRoomAsync(CancellationToken cancellationToken)
    {
        while (!_disposed && !HasRoom(out _))
        {
            Task changed;
            lock (_roomGate)
            {
                changed = (_roomChanged ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }

            if (HasRoom(out (Link Link, int Unsent)? linked)) // measured again once a change would be seen
            {
                return;
            }

            // The link's own release comes when its unsent bytes fall to half the limit, after a write: waited on only
            // when it holds that much (so a write is under way).
            Task wake = linked is { Unsent: var held } && held >= _sendLimit / 2 ? Task.WhenAny(changed, linked.Value.Link.WaitForRoom()) : changed;
            await wake.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>True when less than the send limit is unsent now; the link and what it has not written (read outside the book's lock: the link takes its own).</summary>
    private bool HasRoom(out (Link Link, int Unsent)? linked)
    {
        long waiting = 0;
        Link? link;
        lock (_gate)
        {
            link = _link;
            foreach (MemberGroup group in Book.Groups)
            {
                foreach (string text in group.Outgoing)
                {
                    waiting += Encoding.UTF8.GetByteCount(text) + TextOverhead;
                }
            }
        }

        int unwritten = link?.UnsentBytes ?? 0;
        linked = link is null ? null : (link, unwritten);
        return waiting + Interlocked.Read(ref _queued) + unwritten < _sendLimit;
    }

    /// <summary>Wakes the sends waiting for room to measure again.</summary>
    private void RoomChanged()
    {
        TaskCompletionSource? changed;
        lock (_roomGate)
        {
            changed = _roomChanged;
            _roomChanged = null;
        }

        changed?.TrySetResult();
    }

    /// <summary>Runs <paramref name="action"/> on the book under the lock, then saves what it changed.</summary>
    public T Use<T>(Func<GroupBook, T> action)
    {
        try
        {
            lock (_gate)
            {
                try
                {
                    return action(Book);
                }
                finally
                {
                    Book.SaveChanges();
                }
            }
        }
        finally
        {
            RoomChanged(); // the book may have sent or dropped texts that waited in it
        }
    }

    public void Use(Action<GroupBook> action) => Use(book =>
    {
        action(book);
        return 0;
    });

    public void GroupTaskReceived(GroupTaskRecord record) => Use(book => book.GroupTask(record));

    public void CommitResultReceived(CommitResultRecord record) => Use(book => book.CommitResult(record));

    public void CommitRelayReceived(CommitRelayRecord record) => Use(book => book.CommitRelay(record));

    public void WelcomeRelayReceived(WelcomeRelayRecord record) => Use(book => book.WelcomeRelay(record));

    public void GroupRelayReceived(GroupRelayRecord record) => Use(book => book.GroupRelay(record));

    public void KeyPackageRelayReceived(KeyPackageRelayRecord record) => Use(book =>
    {
        book.KeyPackageRelayed(record);
        KeyPackageRelayed?.Invoke(book, record);
    });

    /// <summary>A KeyPackageRelay went into the book (its conversation started): raised under the lock, with the book.</summary>
    public event Action<GroupBook, KeyPackageRelayRecord>? KeyPackageRelayed;

    void IGroupOutbox.SendKeyPackages(KeyPackagesRecord record) =>
        Enqueue(sender => sender.SendKeyPackages(record.KeyPackages, record.LastResort), 0, record.KeyPackages.Sum(k => k.Length));

    void IGroupOutbox.SendCommit(GroupCommitRecord record) =>
        Enqueue(sender => sender.SendGroupCommit(record.Target, record.Commit, record.Welcome), 0, record.Commit.Length + record.Welcome.Length);

    ulong IGroupOutbox.SendMessage(GroupMessageRecord record)
    {
        ulong ticket = ++_nextTicket;
        Enqueue(sender => sender.SendGroupMessage(record.Target, record.Mls), ticket, record.Mls.Length);
        return ticket;
    }

    void IGroupOutbox.RequestKeyPackage(byte[] digest) => RequestNeeded?.Invoke(GroupTarget.ForPerson(digest), false);

    void IGroupOutbox.RequestResync(GroupTarget target) => RequestNeeded?.Invoke(target, true);

    public async ValueTask DisposeAsync()
    {
        _renewal.Dispose();
        _disposed = true;
        RoomChanged(); // a send waiting for room goes on, and finds its owner stopped
        _outbound.Writer.TryComplete();
        await _stop.CancelAsync();
        try
        {
            await _pump;
        }
        catch (OperationCanceledException)
        {
        }

        lock (_gate)
        {
            Book.Dispose();
            _files?.Dispose();
        }

        _stop.Dispose();
    }

    /// <summary>
    /// The renewal timer: the book renews the leaves that are due, only while a link is secure (a commit made with no
    /// link to carry it would wait for a CommitResult that never comes).
    /// </summary>
    private void Renew()
    {
        Link? link;
        lock (_gate)
        {
            link = _link;
        }

        if (link is not { IsSecure: true })
        {
            return;
        }

        lock (_gate)
        {
            if (_stop.IsCancellationRequested)
            {
                return; // disposed: the book is gone
            }

            Use(book => book.Tick());
        }
    }

    /// <summary>Queues a record for the link current now (the book calls under <see cref="_gate"/>): it goes out on that link or not at all.</summary>
    private void Enqueue(Action<GroupRecordSender> seal, ulong ticket, int mlsBytes)
    {
        int bytes = mlsBytes + RecordOverhead;
        if (_outbound.Writer.TryWrite((seal, ticket, bytes, _link)))
        {
            Interlocked.Add(ref _queued, bytes);
        }
    }

    private async Task PumpAsync()
    {
        await foreach ((Action<GroupRecordSender> seal, ulong ticket, int bytes, Link? made) in _outbound.Reader.ReadAllAsync(_stop.Token))
        {
            Link? link;
            lock (_gate)
            {
                link = _link;
            }

            // A record made for a link that has ended (or was replaced) is not sent on another: the book's state moved on
            // with it. A commit's result then never comes, and a new link starts again from Presence you; a text not
            // sealed is reported back to the book, which sends it again on the next link.
            bool sealedNow = link is not null && link == made && await link.SendGroupAsync(seal, _stop.Token);
            Interlocked.Add(ref _queued, -bytes);
            RoomChanged();
            if (ticket != 0)
            {
                ulong sequence = sealedNow ? link!.RecordsSent - 1 : 0;
                Use(book =>
                {
                    if (sealedNow)
                    {
                        book.MessageSealed(ticket, sequence);
                    }
                    else
                    {
                        book.MessageUnsent(ticket, linkEnded: link == made);
                    }
                });
            }
        }
    }
}
