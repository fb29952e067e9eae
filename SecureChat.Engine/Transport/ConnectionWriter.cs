using System.Buffers;
using System.Diagnostics;
using System.Net.Sockets;

namespace SecureChat.Engine.Transport;

/// <summary>
/// The sending side of one <see cref="Connection"/>: sends what the session sealed in batches, on the thread that
/// sealed it when the socket takes it at once (<see cref="Flush"/>), else in the write loop, which waits for room.
/// </summary>
/// <remarks>
/// Writing has one owner at a time (<c>_writing</c>): an inline <see cref="Flush"/> or the write loop. What an inline
/// flush cannot finish is handed to the loop with the ownership (<c>_carry</c>). Thread-safe: <see cref="Flush"/>,
/// <see cref="FlushMessage"/> and <see cref="WakeWriter"/> may be called from any thread.
/// </remarks>
internal sealed class ConnectionWriter
{
    /// <summary>Largest single socket write, so a write that makes no progress can be told from a long one that does.</summary>
    private const int WriteChunkSize = 64 * 1024;

    /// <summary>The largest batch buffer kept for the next batch once written; a larger one is dropped.</summary>
    private const int SpareMax = 64 * 1024;

    /// <summary>The most batches one inline <see cref="Flush"/> sends before it leaves the rest to the write loop (a caller's thread is not held by a busy link).</summary>
    private const int MaxInlineBatches = 8;

    /// <summary>How soon after an application message sent inline the next one counts as part of a stream (see <see cref="FlushMessage"/>).</summary>
    internal static readonly TimeSpan StreamWindow = TimeSpan.FromMicroseconds(50);

    private static readonly long s_streamWindowTicks = (long)(StreamWindow.TotalSeconds * Stopwatch.Frequency);

    private readonly Socket _socket;
    private readonly Link _link;
    private readonly Connection _connection;
    private readonly System.Threading.Channels.Channel<bool> _wake = System.Threading.Channels.Channel.CreateBounded<bool>(new System.Threading.Channels.BoundedChannelOptions(1) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropWrite, SingleReader = true });
    private ArrayBufferWriter<byte> _spare = new();
    private long _writeStartedAt;

    /// <summary>
    /// While output is owed to the peer (a batch taken and not all written, or more after it): when its socket last
    /// took any of it, or when the output was first taken (a <see cref="TimeProvider"/> timestamp, never 0); 0 while
    /// nothing is owed.
    /// </summary>
    private long _progressAt;

    /// <summary>1 while one thread (an inline <see cref="Flush"/> or the write loop) owns the socket's sending side.</summary>
    private int _writing;

    /// <summary>1 while the link waits in a <see cref="WriteScheduler"/>'s queue.</summary>
    private int _scheduled;

    /// <summary>A batch an inline flush could not finish, handed to the write loop with the ownership of writing.</summary>
    private volatile Carry? _carry;

    /// <summary>When the last application message was sent inline (<see cref="Stopwatch"/> ticks).</summary>
    private long _lastInlineMessage = long.MinValue / 2;

    public ConnectionWriter(Socket socket, Link link, Connection connection)
    {
        _socket = socket;
        _link = link;
        _connection = connection;
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

    /// <summary>
    /// How long the output owed to the peer has waited for its socket to take any of it; zero when nothing is owed.
    /// Unlike <see cref="WriteWaited"/>, the time between two writes counts: a peer whose writes are stuck keeps its
    /// wait while its writer hands over a batch or waits for a thread, and a peer that keeps reading has it reset as
    /// each write goes out.
    /// </summary>
    public TimeSpan OutputWaited(TimeProvider time)
    {
        long since = Interlocked.Read(ref _progressAt);
        return since == 0 ? TimeSpan.Zero : time.GetElapsedTime(since);
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

                Owed();
                int sent = SendNow(batch.WrittenSpan);
                if (sent > 0)
                {
                    Progressed();
                }

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
        _spare = batch.Capacity > SpareMax ? new ArrayBufferWriter<byte>() : batch;
        bool more = _link.Output.OnWritten(out ended);
        if (!more)
        {
            Interlocked.Exchange(ref _progressAt, 0); // nothing owed: the next output's wait starts when it is taken
        }

        if (!more && _spare.Capacity > Connection.IdleBufferKeep)
        {
            // Idle now: a buffer the last burst grew (a member list, a storm of notices) is not kept for the link's
            // whole life; the session's own empty buffer was trimmed in OnWritten.
            _spare = new ArrayBufferWriter<byte>();
        }

        return more;
    }

    /// <summary>A batch was taken: output is owed from now, unless it already was (its wait goes on).</summary>
    private void Owed() => Interlocked.CompareExchange(ref _progressAt, _link.Time.GetTimestamp() | 1, 0);

    /// <summary>The socket took some of the output owed.</summary>
    private void Progressed() => Interlocked.Exchange(ref _progressAt, _link.Time.GetTimestamp() | 1);

    /// <summary>Lets go of writing, then looks again: output sealed while this thread wrote found writing taken and was left to it.</summary>
    private void ReleaseWriting()
    {
        Volatile.Write(ref _writing, 0);
        if (_link.Output.HasOutputToWrite)
        {
            WakeWriter();
        }
    }

    /// <summary>The write loop: runs until the session ended and its last records are sent, or the socket fails.</summary>
    public async Task RunAsync()
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
                    Owed();
                    ReadOnlyMemory<byte> pending = batch.WrittenMemory[offset..];
                    while (!pending.IsEmpty)
                    {
                        Interlocked.Exchange(ref _writeStartedAt, time.GetTimestamp() | 1); // never 0, which means "not writing"
                        int sent = await _socket.SendAsync(pending[..Math.Min(pending.Length, WriteChunkSize)], SocketFlags.None, _connection.LingerToken).ConfigureAwait(false);
                        Interlocked.Exchange(ref _writeStartedAt, 0);
                        Progressed();
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
            _connection.SessionEnded(); // the linger time to deliver what the peer has not read yet
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            _link.OnDisconnected();
            _connection.Abort();
        }
        catch (Exception e)
        {
            _connection.FailOnFault("writer", e); // as in the reader: the link ends now, with the cause, rather than hang
        }
        finally
        {
            _link.Output.OnWriterStopped();
        }
    }

    private sealed record Carry(ArrayBufferWriter<byte> Batch, int Sent);
}
