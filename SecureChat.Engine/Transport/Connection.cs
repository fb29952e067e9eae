using System.Buffers;
using System.Net.Sockets;

namespace SecureChat.Engine.Transport;

/// <summary>
/// The socket side of one link: a read loop that gathers bytes and hands them to its <see cref="Link"/>, a
/// writer that sends what the session sealed in batches, and a linger after the end so closing never resets data
/// the peer has not read yet. Besides the <see cref="Listener"/>, the only code that touches sockets (with its
/// <see cref="ConnectionWriter"/>).
/// </summary>
/// <remarks>
/// <para>
/// Thread-safe: one task per loop; <see cref="Flush"/> and <see cref="WakeWriter"/> may be called from any thread.
/// </para>
/// <para>
/// Writing (<see cref="ConnectionWriter"/>) has one owner at a time. Whoever sealed output first tries to send it on its own
/// thread (<see cref="Flush"/>): when the socket takes it all at once, as it does for a peer that reads, no thread
/// pool work is queued. Only what the socket does not take at once is handed to the write loop, which waits for
/// room. Before this, every record woke the write loop through the thread pool: a hub relaying to 200 members
/// queued 199 wake-ups per message, and under overload the socket engine's turns to read (which share the same
/// queue) came seconds apart, so a member's messages waited unread in the hub's socket for tens of seconds.
/// </para>
/// </remarks>
internal sealed class Connection : IScheduledWriter
{
    private const int ReadBufferSize = 64 * 1024;

    private static readonly TimeSpan s_linger = TimeSpan.FromSeconds(2);

    /// <summary>The most an idle writer keeps of a buffer a burst grew (larger ones are dropped once written, see <see cref="ConnectionWriter"/>).</summary>
    internal const int IdleBufferKeep = 512;

    private readonly Socket _socket;
    private readonly Link _link;
    private readonly ConnectionWriter _writer;
    private readonly CancellationTokenSource _lingerCancel;
    public Connection(Socket socket, Link link)
    {
        _socket = socket;
        _link = link;
        _lingerCancel = new CancellationTokenSource(Timeout.InfiniteTimeSpan, link.Time); // the linger counts on the link's clock
        _writer = new ConnectionWriter(socket, link, this);
        _socket.NoDelay = true;
        _socket.Blocking = false; // an inline flush sends what the socket takes now and never waits (the loops are asynchronous either way)
    }

    /// <summary>Completes when both loops have ended and the socket is closed.</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    public void Start()
    {
        Task reader = Task.Run(ReadLoopAsync);
        Task writer = Task.Run(_writer.RunAsync);
        Completion = Task.WhenAll(reader, writer).ContinueWith(
            _ =>
            {
                _socket.Dispose();
                _link.OnConnectionClosed();
                _lingerCancel.Dispose();
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>
    /// True when one socket write has been waiting longer than <paramref name="timeout"/>: the peer has not read
    /// anything for that long (see <see cref="ConnectionWriter.WriteStalled"/>).
    /// </summary>
    public bool WriteStalled(TimeSpan timeout, TimeProvider time) => _writer.WriteStalled(timeout, time);

    /// <summary>How long the socket write under way has waited; zero when none is waiting.</summary>
    public TimeSpan WriteWaited(TimeProvider time) => _writer.WriteWaited(time);

    /// <summary>How long the output owed to the peer has waited for its socket to take any of it (see <see cref="ConnectionWriter.OutputWaited"/>).</summary>
    public TimeSpan OutputWaited(TimeProvider time) => _writer.OutputWaited(time);

    /// <summary>When the socket write under way began (a <see cref="TimeProvider"/> timestamp); 0 when none is waiting.</summary>
    public long WriteStartedAt => _writer.WriteStartedAt;

    /// <summary>The application sealed a message (see <see cref="ConnectionWriter.FlushMessage"/>).</summary>
    public void FlushMessage() => _writer.FlushMessage();

    /// <summary>The session has output (or ended): the write loop looks again, on the thread pool.</summary>
    public void WakeWriter() => _writer.WakeWriter();

    /// <summary>The session has output: sends what the socket takes now on the caller's thread (see <see cref="ConnectionWriter.Flush"/>).</summary>
    public void Flush() => _writer.Flush();

    /// <summary>For <see cref="WriteScheduler"/>: true when the link was not already waiting in its queue.</summary>
    public bool TryMarkScheduled() => _writer.TryMarkScheduled();

    /// <summary>For <see cref="WriteScheduler"/>: the link left its queue.</summary>
    public void ClearScheduled() => _writer.ClearScheduled();

    /// <summary>Cancelled when the socket is given up: every socket call of the loops waits on it.</summary>
    internal CancellationToken LingerToken => _lingerCancel.Token;

    /// <summary>Gives up the socket now, without a linger (the peer was dropped for not reading: nothing more can reach it).</summary>
    public void Abort()
    {
        try
        {
            _lingerCancel.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Both loops have already ended.
        }
    }

    /// <summary>
    /// Bytes from the peer waiting unread in <paramref name="socket"/> (this side is behind, the peer is not idle); 0
    /// once it is closed. <see cref="Link.PeerBytesWaiting"/> asks it for the deadlines.
    /// </summary>
    internal static int UnreadBytes(Socket socket)
    {
        try
        {
            return socket.Available;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return 0;
        }
    }

    /// <summary>
    /// True when the peer has closed its side (the socket reads as ready with nothing to read). Only meaningful while
    /// the reader is not reading (it awaits a derivation).
    /// </summary>
    public bool PeerLeft()
    {
        try
        {
            return _socket.Poll(0, SelectMode.SelectRead) && _socket.Available == 0;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return true;
        }
    }

    /// <summary>
    /// The session ended: the writer has the linger time to deliver its last records (Close or Alert), then the
    /// socket is given up, so a peer that stopped reading cannot hold its socket and backlog forever.
    /// </summary>
    public void SessionEnded()
    {
        try
        {
            _lingerCancel.CancelAfter(s_linger);
        }
        catch (ObjectDisposedException)
        {
            // Both loops have already ended.
        }
    }

    private async Task ReadLoopAsync()
    {
        bool ended = false;
        bool lastReadFilled = false;
        try
        {
            while (!ended)
            {
                _link.Reader.PrecomputeKeyPair();
                if (_link.Reader.ReceiveQueueFull(out Task room))
                {
                    // What was read is not relayed and shown yet: read nothing more (TCP holds the peer back) until
                    // it is, so a peer that sends faster than its messages are handled cannot grow this side's memory.
                    await room.WaitAsync(_lingerCancel.Token).ConfigureAwait(false);
                }

                if (!lastReadFilled)
                {
                    // Zero-byte read: an idle connection holds no buffer (keeps the hub small per session).
                    await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, _lingerCancel.Token).ConfigureAwait(false);
                }

                int size = _link.Reader.ReadAllowance(ReadBufferSize);
                byte[] buffer = ArrayPool<byte>.Shared.Rent(ReadBufferSize);
                bool derive;
                try
                {
                    int read = await _socket.ReceiveAsync(buffer.AsMemory(0, size), SocketFlags.None, _lingerCancel.Token).ConfigureAwait(false);
                    lastReadFilled = read == size;
                    if (read > 0 && _link.Reader.PartsOverBound(out Task parts))
                    {
                        // The hub's pending Parts passed their bound (by other links) while this read waited for the
                        // peer: what it brought waits too, so no link holding Parts is read past the bound.
                        await parts.WaitAsync(_lingerCancel.Token).ConfigureAwait(false);
                    }

                    ended = _link.Reader.OnReceived(buffer.AsSpan(0, read), out derive);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }

                if (derive)
                {
                    // Without the read buffer: a hub's queued derivations would otherwise hold 64 KiB each.
                    await _link.Reader.DeriveKeysAsync().ConfigureAwait(false);
                    ended = _link.IsEnded;
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            _link.OnDisconnected();
            return;
        }
        catch (Exception e)
        {
            // Anything else the reader ran threw (the session, or a handler raised on this thread): without a reader
            // the link would be written to and never read again until the idle limit. End it now, saying why.
            FailOnFault("reader", e);
            return;
        }

        await LingerAsync().ConfigureAwait(false);
    }

    /// <summary>A loop stopped on an exception that is not the socket's: the link fails, saying why.</summary>
    internal void FailOnFault(string loop, Exception e)
    {
        try
        {
            _link.OnLoopFault(loop, e);
        }
        catch (Exception)
        {
            // A handler threw again while the failure was raised: the session has failed and the socket is given
            // up already; the loop ends either way.
        }
    }

    /// <summary>After the session ended: read and discard until the peer closes or the linger time passes.</summary>
    private async Task LingerAsync()
    {
        byte[] discard = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            _lingerCancel.CancelAfter(s_linger);
            while (await _socket.ReceiveAsync(discard, SocketFlags.None, _lingerCancel.Token).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(discard);
        }
    }
}
