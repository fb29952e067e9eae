using System.Diagnostics;
using System.Buffers;
using System.Net.Sockets;

namespace SecureChat.Engine.Transport;

/// <summary>
/// The socket side of one link: a read loop that gathers bytes and hands them to its <see cref="Link"/>, a
/// writer that sends what the session sealed in batches, and a linger after the end so closing never resets data
/// the peer has not read yet. Besides the <see cref="Listener"/>, the only code that touches sockets.
/// </summary>
/// <remarks>
/// <para>
/// Thread-safe: one task per loop; <see cref="Flush"/> and <see cref="WakeWriter"/> may be called from any thread.
/// </para>
/// <para>
/// Writing has one owner at a time (<c>_writing</c>). Whoever sealed output first tries to send it on its own
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

    /// <summary>Largest single socket write, so a write that makes no progress can be told from a long one that does.</summary>
    private const int WriteChunkSize = 64 * 1024;
    private static readonly TimeSpan s_linger = TimeSpan.FromSeconds(2);

    /// <summary>The most an idle writer keeps of a buffer a burst grew (larger ones are dropped once written, see <see cref="WriteLoopAsync"/>).</summary>
    internal const int IdleBufferKeep = 512;

    /// <summary>The most batches one inline <see cref="Flush"/> sends before it leaves the rest to the write loop (a caller's thread is not held by a busy link).</summary>
    private const int MaxInlineBatches = 8;

    private readonly Socket _socket;
    private readonly Link _link;
    private readonly System.Threading.Channels.Channel<bool> _wake = System.Threading.Channels.Channel.CreateBounded<bool>(new System.Threading.Channels.BoundedChannelOptions(1) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly CancellationTokenSource _lingerCancel;
    private ArrayBufferWriter<byte> _spare = new();
    private long _writeStartedAt;

    /// <summary>1 while one thread (an inline <see cref="Flush"/> or the write loop) owns the socket's sending side.</summary>
    private int _writing;

    /// <summary>1 while the link waits in a <see cref="WriteScheduler"/>'s queue.</summary>
    private int _scheduled;

    /// <summary>A batch an inline flush could not finish, handed to the write loop with the ownership of writing.</summary>
    private volatile Carry? _carry;

    /// <summary>How soon after an application message sent inline the next one counts as part of a stream (see <see cref="FlushMessage"/>).</summary>
    internal static readonly TimeSpan StreamWindow = TimeSpan.FromMicroseconds(50);

    private static readonly long s_streamWindowTicks = (long)(StreamWindow.TotalSeconds * Stopwatch.Frequency);

    /// <summary>When the last application message was sent inline (<see cref="Stopwatch"/> ticks).</summary>
    private long _lastInlineMessage = long.MinValue / 2;

    public Connection(Socket socket, Link link)
    {
        _socket = socket;
        _link = link;
        _lingerCancel = new CancellationTokenSource(Timeout.InfiniteTimeSpan, link.Time); // the linger counts on the link's clock
        _socket.NoDelay = true;
        _socket.Blocking = false; // an inline flush sends what the socket takes now and never waits (the loops are asynchronous either way)
    }

    /// <summary>Completes when both loops have ended and the socket is closed.</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    public void Start()
    {
        Task reader = Task.Run(ReadLoopAsync);
        Task writer = Task.Run(WriteLoopAsync);
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
    /// True when one socket write (at most <see cref="WriteChunkSize"/> bytes) has been waiting longer than
    /// <paramref name="timeout"/>: the peer has not read anything for that long.
    /// </summary>
    public bool WriteStalled(TimeSpan timeout, TimeProvider time) => WriteWaited(time) is var waited && waited > TimeSpan.Zero && waited >= timeout;

    /// <summary>How long the socket write under way has waited; zero when none is waiting.</summary>
    public TimeSpan WriteWaited(TimeProvider time)
    {
        long started = Interlocked.Read(ref _writeStartedAt);
        return started == 0 ? TimeSpan.Zero : time.GetElapsedTime(started);
    }

    /// <summary>When the socket write under way began (a <see cref="TimeProvider"/> timestamp); 0 when none is waiting.</summary>
    public long WriteStartedAt => Interlocked.Read(ref _writeStartedAt);

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
    /// The application sealed a message. Alone (none sent inline within <see cref="StreamWindow"/>), it goes out on the
    /// caller's thread at once (<see cref="Flush"/>: no hand-off, the shortest round trip). In a stream, those that
    /// follow go to the write loop, which sends everything sealed while it wakes and writes in one system call: a
    /// system call per message would cap 64-byte messages at about 130,000 a second here, against 300,000 batched.
    /// </summary>
    public void FlushMessage()
    {
        long now = Stopwatch.GetTimestamp();
        long last = Volatile.Read(ref _lastInlineMessage);
        if (now - last >= s_streamWindowTicks && Interlocked.CompareExchange(ref _lastInlineMessage, now, last) == last)
        {
            Flush();
        }
        else
        {
            WakeWriter();
        }
    }

    /// <summary>The session has output (or ended): the write loop looks again, on the thread pool.</summary>
    public void WakeWriter() => _wake.Writer.TryWrite(true);

    /// <summary>
    /// The session has output: sends it on the caller's thread if nobody else is writing and the socket takes it
    /// without waiting; what it does not take goes to the write loop. When another thread is writing, it takes this
    /// output too before it lets go.
    /// </summary>
    public void Flush()
    {
        if (Interlocked.CompareExchange(ref _writing, 1, 0) != 0)
        {
            return; // the owner looks for more output before it lets go (see ReleaseWriting)
        }

        try
        {
            for (int batches = 0; batches < MaxInlineBatches; batches++)
            {
                ArrayBufferWriter<byte>? batch = _link.Output.TakeOutput(_spare, out bool ended);
                if (batch is null)
                {
                    if (ended)
                    {
                        WakeWriter(); // the loop shuts the sending side down and lingers
                    }

                    break;
                }

                int sent = SendNow(batch.WrittenSpan);
                if (sent < batch.WrittenCount)
                {
                    // The socket is full (or failed): the write loop owns writing from here, waits for room, and
                    // meets any error on its own send.
                    _carry = new Carry(batch, sent);
                    WakeWriter();
                    return;
                }

                if (!Written(batch, out ended))
                {
                    break; // and if the session ended, ReleaseWriting wakes the loop to shut the socket down
                }
            }
        }
        catch (ObjectDisposedException)
        {
            return; // the connection closed under this flush (the loops had ended): nothing more can be sent, so writing stays taken
        }

        ReleaseWriting();
    }

    /// <summary>For <see cref="WriteScheduler"/>: true when the link was not already waiting in its queue.</summary>
    public bool TryMarkScheduled() => Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0;

    /// <summary>For <see cref="WriteScheduler"/>: the link left its queue.</summary>
    public void ClearScheduled() => Volatile.Write(ref _scheduled, 0);

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

    private void FailOnFault(string loop, Exception e)
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

    /// <summary>Sends what the socket takes now without waiting; returns how many bytes that was.</summary>
    private int SendNow(ReadOnlySpan<byte> data)
    {
        int total = 0;
        while (total < data.Length)
        {
            int sent = _socket.Send(data[total..], SocketFlags.None, out SocketError error);
            if (error != SocketError.Success || sent <= 0)
            {
                break; // full (WouldBlock) or failed: the write loop waits for room or meets the error
            }

            total += sent;
        }

        return total;
    }

    /// <summary>A batch is on the wire: recycles its buffer and tells the session; true when there is more to write.</summary>
    private bool Written(ArrayBufferWriter<byte> batch, out bool ended)
    {
        batch.Clear();
        _spare = batch.Capacity > ReadBufferSize ? new ArrayBufferWriter<byte>() : batch;
        bool more = _link.Output.OnWritten(out ended);
        if (!more && _spare.Capacity > IdleBufferKeep)
        {
            // Idle now: a buffer the last burst grew (a member list, a storm of notices) is not kept for the link's
            // whole life; the session's own empty buffer was trimmed in OnWritten.
            _spare = new ArrayBufferWriter<byte>();
        }

        return more;
    }

    /// <summary>Lets go of writing, then looks again: output sealed while this thread wrote found writing taken and was left to it.</summary>
    private void ReleaseWriting()
    {
        Volatile.Write(ref _writing, 0);
        if (_link.Output.HasOutputToWrite)
        {
            WakeWriter();
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

    private async Task WriteLoopAsync()
    {
        TimeProvider time = _link.Time;
        try
        {
            while (await _wake.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                _wake.Reader.TryRead(out _);
                Carry? carry = _carry;
                if (carry is not null)
                {
                    _carry = null; // handed over with the ownership of writing
                }
                else if (Interlocked.CompareExchange(ref _writing, 1, 0) != 0)
                {
                    continue; // an inline flush is writing: it looks for more output before it lets go
                }

                ArrayBufferWriter<byte>? batch;
                int offset = 0;
                bool ended = false;
                if (carry is not null)
                {
                    (batch, offset) = (carry.Batch, carry.Sent);
                }
                else
                {
                    batch = _link.Output.TakeOutput(_spare, out ended);
                }

                if (batch is not null)
                {
                    ReadOnlyMemory<byte> pending = batch.WrittenMemory[offset..];
                    while (!pending.IsEmpty)
                    {
                        Interlocked.Exchange(ref _writeStartedAt, time.GetTimestamp() | 1); // never 0, which means "not writing"
                        int sent = await _socket.SendAsync(pending[..Math.Min(pending.Length, WriteChunkSize)], SocketFlags.None, _lingerCancel.Token).ConfigureAwait(false);
                        Interlocked.Exchange(ref _writeStartedAt, 0);
                        pending = pending[sent..];
                    }

                    if (Written(batch, out ended))
                    {
                        WakeWriter();
                    }
                }

                if (ended)
                {
                    break; // keeps the ownership: nothing is written after the end
                }

                ReleaseWriting();
            }

            _socket.Shutdown(SocketShutdown.Send);
            _lingerCancel.CancelAfter(s_linger);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            _link.OnDisconnected();
            try
            {
                _lingerCancel.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }
        catch (Exception e)
        {
            FailOnFault("writer", e); // as in the reader: the link ends now, with the cause, rather than hang
        }
        finally
        {
            _link.Output.OnWriterStopped();
        }
    }

    private sealed record Carry(ArrayBufferWriter<byte> Batch, int Sent);
}
