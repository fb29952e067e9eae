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
/// leaves are renewed when due (<see cref="GroupRenewal"/> on the book's clock). Thread-safe.
/// </summary>
internal sealed class MemberGroupLink : IMemberGroupRecords, IGroupOutbox, IAsyncDisposable
{
    private const ulong TicketBase = 1UL << 63;

    private readonly object _gate = new();
    private readonly Channel<(Action<GroupRecordSender> Seal, ulong Ticket)> _outbound =
        Channel.CreateUnbounded<(Action<GroupRecordSender>, ulong)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;
    private readonly GroupFiles? _files;
    private readonly GroupRenewal _renewal;
    private Link? _link;
    private ulong _nextTicket = TicketBase;

    public MemberGroupLink(Func<IGroupOutbox, GroupBook> makeBook, GroupFiles? files = null)
    {
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
    }

    /// <summary>Runs <paramref name="action"/> on the book under the lock, then saves what it changed.</summary>
    public T Use<T>(Func<GroupBook, T> action)
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
        Enqueue(sender => sender.SendKeyPackages(record.KeyPackages, record.LastResort), 0);

    void IGroupOutbox.SendCommit(GroupCommitRecord record) =>
        Enqueue(sender => sender.SendGroupCommit(record.Target, record.Commit, record.Welcome), 0);

    ulong IGroupOutbox.SendMessage(GroupMessageRecord record)
    {
        ulong ticket = ++_nextTicket;
        Enqueue(sender => sender.SendGroupMessage(record.Target, record.Mls), ticket);
        return ticket;
    }

    void IGroupOutbox.RequestKeyPackage(byte[] digest) => RequestNeeded?.Invoke(GroupTarget.ForPerson(digest), false);

    void IGroupOutbox.RequestResync(GroupTarget target) => RequestNeeded?.Invoke(target, true);

    public async ValueTask DisposeAsync()
    {
        _renewal.Dispose();
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

    private void Enqueue(Action<GroupRecordSender> seal, ulong ticket) => _outbound.Writer.TryWrite((seal, ticket));

    private async Task PumpAsync()
    {
        await foreach ((Action<GroupRecordSender> seal, ulong ticket) in _outbound.Reader.ReadAllAsync(_stop.Token))
        {
            Link? link;
            lock (_gate)
            {
                link = _link;
            }

            // A record that cannot go out (no link, or it ended) is not retried here: the book's state already moved
            // on (a commit awaits its result, a text is in flight), and a new link starts again from Presence you.
            if (link is null || !await link.SendGroupAsync(seal, _stop.Token))
            {
                continue;
            }

            if (ticket != 0)
            {
                ulong sequence = link.RecordsSent - 1;
                Use(book => book.MessageSealed(ticket, sequence));
            }
        }
    }
}
