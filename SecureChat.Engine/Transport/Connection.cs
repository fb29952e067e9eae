using System.Buffers;
using System.Net.Sockets;

namespace SecureChat.Engine.Transport;

/// <summary>
/// The socket side of one link: a read loop that gathers bytes and hands them to its <see cref="SessionHost"/>, a
/// write loop that writes what the session sealed in batches, and a linger after the end so closing never resets
/// data the peer has not read yet. Besides the <see cref="Listener"/>, the only code that touches sockets.
/// </summary>
/// <remarks>Thread-safe: one task per loop; <see cref="WakeWriter"/> may be called from any thread.</remarks>
internal sealed class Connection
{
    private const int ReadBufferSize = 64 * 1024;

    /// <summary>Largest single socket write, so a write that makes no progress can be told from a long one that does.</summary>
    private const int WriteChunkSize = 64 * 1024;
    private static readonly TimeSpan s_linger = TimeSpan.FromSeconds(2);

    /// <summary>The most an idle writer keeps of a buffer a burst grew (larger ones are dropped once written, see <see cref="WriteLoopAsync"/>).</summary>
    internal const int IdleBufferKeep = 512;

    private readonly Socket _socket;
    private readonly SessionHost _host;
    private readonly System.Threading.Channels.Channel<bool> _wake = System.Threading.Channels.Channel.CreateBounded<bool>(new System.Threading.Channels.BoundedChannelOptions(1) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly CancellationTokenSource _lingerCancel = new();
    private ArrayBufferWriter<byte> _spare = new();
    private long _writeStartedAt;

    public Connection(Socket socket, SessionHost host)
    {
        _socket = socket;
        _host = host;
    }

    /// <summary>Completes when both loops have ended and the socket is closed.</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    public void Start()
    {
        _socket.NoDelay = true;
        Task reader = Task.Run(ReadLoopAsync);
        Task writer = Task.Run(WriteLoopAsync);
        Completion = Task.WhenAll(reader, writer).ContinueWith(
            _ =>
            {
                _socket.Dispose();
                _host.OnConnectionClosed();
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
    public bool WriteStalled(TimeSpan timeout, TimeProvider time)
    {
        long started = Interlocked.Read(ref _writeStartedAt);
        return started != 0 && time.GetElapsedTime(started) > timeout;
    }

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

    /// <summary>The session has output (or ended): the writer looks again.</summary>
    public void WakeWriter() => _wake.Writer.TryWrite(true);

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
                _host.PrecomputeKeyPair();
                if (!lastReadFilled)
                {
                    // Zero-byte read: an idle connection holds no buffer (keeps the hub small per session).
                    await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, _lingerCancel.Token).ConfigureAwait(false);
                }

                byte[] buffer = ArrayPool<byte>.Shared.Rent(ReadBufferSize);
                bool derive;
                try
                {
                    int read = await _socket.ReceiveAsync(buffer.AsMemory(0, ReadBufferSize), SocketFlags.None, _lingerCancel.Token).ConfigureAwait(false);
                    lastReadFilled = read == ReadBufferSize;
                    ended = _host.OnReceived(buffer.AsSpan(0, read), out derive);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }

                if (derive)
                {
                    // Without the read buffer: a hub's queued derivations would otherwise hold 64 KiB each.
                    await _host.DeriveKeysAsync().ConfigureAwait(false);
                    ended = _host.IsEnded;
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            _host.OnDisconnected();
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
            _host.OnLoopFault(loop, e);
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

    private async Task WriteLoopAsync()
    {
        TimeProvider time = _host.Time;
        try
        {
            while (await _wake.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                _wake.Reader.TryRead(out _);
                ArrayBufferWriter<byte>? batch = _host.TakeOutput(_spare, out bool ended);
                if (batch is not null)
                {
                    ReadOnlyMemory<byte> pending = batch.WrittenMemory;
                    while (!pending.IsEmpty)
                    {
                        Interlocked.Exchange(ref _writeStartedAt, time.GetTimestamp() | 1); // never 0, which means "not writing"
                        int sent = await _socket.SendAsync(pending[..Math.Min(pending.Length, WriteChunkSize)], SocketFlags.None, _lingerCancel.Token).ConfigureAwait(false);
                        Interlocked.Exchange(ref _writeStartedAt, 0);
                        pending = pending[sent..];
                    }

                    batch.Clear();
                    _spare = batch.Capacity > ReadBufferSize ? new ArrayBufferWriter<byte>() : batch;
                    if (_host.OnWritten(out ended))
                    {
                        WakeWriter();
                    }
                    else if (_spare.Capacity > IdleBufferKeep)
                    {
                        // Idle now: a buffer the last burst grew (a member list, a storm of notices) is not kept for
                        // the link's whole life; the session's own empty buffer was trimmed in OnWritten.
                        _spare = new ArrayBufferWriter<byte>();
                    }
                }

                if (ended)
                {
                    break;
                }
            }

            _socket.Shutdown(SocketShutdown.Send);
            _lingerCancel.CancelAfter(s_linger);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            _host.OnDisconnected();
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
            _host.OnWriterStopped();
        }
    }
}
