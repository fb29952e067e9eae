using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using SecureChat.Engine.Session;

namespace SecureChat.Engine.Transport;

/// <summary>
/// Drives one <see cref="ChatSession"/> over one TCP socket: a read loop that gathers bytes and feeds the
/// session, a write loop that writes what the session sealed in batches, the handshake deadline, and
/// in-order dispatch of the session's events. The only code besides the listener that touches sockets.
/// </summary>
/// <remarks>
/// Thread-safe. Every session call happens under <c>_gate</c>; events are queued under it and dispatched
/// outside it by one thread at a time, so handlers may call back into this or any other connection.
/// </remarks>
internal sealed class Connection
{
    private const int ReadBufferSize = 64 * 1024;
    private static readonly TimeSpan s_linger = TimeSpan.FromSeconds(2);

    private readonly Socket _socket;
    private readonly ChatSession _session;
    private readonly ChatOptions _options;
    private readonly SemaphoreSlim? _derivationGate;
    private readonly Action<Connection, SessionEvent> _onEvent;
    private readonly object _gate = new();
    private readonly List<SessionEvent> _drain = [];
    private readonly ConcurrentQueue<SessionEvent> _events = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly CancellationTokenSource _lingerCancel = new();
    private readonly TaskCompletionSource _established = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ArrayBufferWriter<byte> _spare = new(256);
    private CancellationTokenSource? _handshakeDeadline;
    private TaskCompletionSource? _drained;
    private int _inFlight;
    private int _dispatching;
    private Task _completion = Task.CompletedTask;
    private volatile PeerInfo? _snapshot;
    private string _name;

    public Connection(int id, Socket socket, ChatSession session, ChatOptions options, SemaphoreSlim? derivationGate, Action<Connection, SessionEvent> onEvent)
    {
        Id = id;
        _socket = socket;
        _session = session;
        _options = options;
        _derivationGate = derivationGate;
        _onEvent = onEvent;
        RemoteEndPoint = socket.RemoteEndPoint as IPEndPoint ?? new IPEndPoint(IPAddress.None, 0);
        _name = string.Empty;
    }

    public int Id { get; }

    public EndPoint RemoteEndPoint { get; }

    /// <summary>The peer's display name as the owner knows it (set by the owner).</summary>
    public string Name
    {
        get => _name;
        set
        {
            lock (_gate)
            {
                _name = value;
                _snapshot = null;
            }
        }
    }

    /// <summary>Owner's flag: the peer has been announced as joined.</summary>
    public bool Joined { get; set; }

    /// <summary>Completes when both loops have ended and the socket is closed.</summary>
    public Task Completion => _completion;

    /// <summary>Completes when the session is secure; faults with <see cref="ChatConnectionException"/> when it ends first.</summary>
    public Task Established => _established.Task;

    public SessionStage Stage
    {
        get
        {
            lock (_gate)
            {
                return _session.Stage;
            }
        }
    }

    public bool IsSecure
    {
        get
        {
            lock (_gate)
            {
                return _session.IsSecure;
            }
        }
    }

    /// <summary>The link as it is now; cached between changes, since every received message carries one.</summary>
    public PeerInfo Snapshot()
    {
        if (_snapshot is { } cached)
        {
            return cached;
        }

        lock (_gate)
        {
            PeerInfo current = new(Id, RemoteEndPoint, _name, _session.Stage, _session.Fingerprint, _session.Sas, _session.Group);
            _snapshot = current;
            return current;
        }
    }

    /// <summary>Starts the loops and the handshake deadline; a client session also writes its ClientHello.</summary>
    public void Start()
    {
        _socket.NoDelay = true;
        _handshakeDeadline = new CancellationTokenSource(_options.HandshakeTimeout);
        _handshakeDeadline.Token.Register(() => Fail(FailureReason.HandshakeTimeout, $"{_options.HandshakeTimeout.TotalSeconds:0.#} s"));
        Run(s => s.Start());
        Task reader = Task.Run(ReadLoopAsync);
        Task writer = Task.Run(WriteLoopAsync);
        _completion = Task.WhenAll(reader, writer).ContinueWith(
            _ =>
            {
                _socket.Dispose();
                lock (_gate)
                {
                    _session.Dispose();
                }

                lock (_gate)
                {
                    _handshakeDeadline?.Dispose();
                    _handshakeDeadline = null;
                }

                _lingerCancel.Dispose();
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>Seals a chat message, waiting while more than the send buffer limit is unsent. False once the session ended.</summary>
    public async ValueTask<bool> SendChatAsync(string sender, string text, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                if (_session.IsEnded)
                {
                    return false;
                }

                if (UnsentBytes < _options.SendBufferLimit)
                {
                    if (!_session.SendChat(sender, text))
                    {
                        throw new ArgumentException($"a message is at most {ChatOptions.MaxMessageBytes} bytes of UTF-8", nameof(text));
                    }

                    CollectLocked();
                    break;
                }

                _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _drained.Task;
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        Dispatch();
        return true;
    }

    /// <summary>
    /// Relays a chat message without waiting. A peer whose unsent backlog passes the relay limit is failed as
    /// too slow rather than allowed to hold everyone else up. False when the message was not sealed.
    /// </summary>
    public bool TryRelayChat(string sender, string text)
    {
        bool sent = false;
        lock (_gate)
        {
            if (!_session.IsSecure)
            {
                return false;
            }

            if (UnsentBytes >= _options.RelayBufferLimit)
            {
                _session.Fail(FailureReason.PeerTooSlow);
            }
            else
            {
                sent = _session.SendChat(sender, text);
            }

            CollectLocked();
        }

        Dispatch();
        return sent;
    }

    /// <summary>Runs one session operation under the lock when the session is secure; false when it is not.</summary>
    public bool RunIfSecure(Action<ChatSession> operation)
    {
        lock (_gate)
        {
            if (!_session.IsSecure)
            {
                return false;
            }

            operation(_session);
            CollectLocked();
        }

        Dispatch();
        return true;
    }

    public bool RequestRekey()
    {
        bool started = false;
        RunIfSecure(s => started = s.RequestRekey());
        return started;
    }

    /// <summary>Closes cleanly (Close record or Alert) and waits for the socket to close.</summary>
    public async Task CloseAsync(Protocol.AlertCode code = Protocol.AlertCode.Normal)
    {
        Run(s => s.Close(code));
        await _completion.ConfigureAwait(false);
    }

    /// <summary>Fails the session for a local reason (timeout, busy, too slow); the peer is told where possible.</summary>
    public void Fail(FailureReason reason, string? detail = null) => Run(s => s.Fail(reason, detail));

    private int UnsentBytes => _inFlight + _session.PendingOutputBytes;

    private void Run(Action<ChatSession> operation)
    {
        lock (_gate)
        {
            operation(_session);
            CollectLocked();
        }

        Dispatch();
    }

    /// <summary>Under the lock: queue the session's events in order and wake the writer if it has output.</summary>
    private void CollectLocked()
    {
        _session.DrainEvents(_drain);
        foreach (SessionEvent e in _drain)
        {
            _events.Enqueue(e);
            if (e is not MessageReceivedEvent)
            {
                _snapshot = null; // stage, keys or names may have changed
            }

            if (e is EstablishedEvent)
            {
                _handshakeDeadline?.Dispose();
                _handshakeDeadline = null;
            }
        }

        _drain.Clear();
        if (_session.HasOutput || _session.IsEnded)
        {
            _wake.Writer.TryWrite(true);
        }
    }

    /// <summary>Raises queued events in order, one thread at a time, outside every lock.</summary>
    private void Dispatch()
    {
        while (!_events.IsEmpty)
        {
            if (Interlocked.CompareExchange(ref _dispatching, 1, 0) != 0)
            {
                return;
            }

            try
            {
                while (_events.TryDequeue(out SessionEvent? e))
                {
                    // The owner reacts first (a client sends its Nick on Established), so whoever awaits
                    // Established can only send after that.
                    _onEvent(this, e);
                    switch (e)
                    {
                        case EstablishedEvent:
                            _established.TrySetResult();
                            break;
                        case FailedEvent failed:
                            _established.TrySetException(new ChatConnectionException(failed.Failure));
                            break;
                        case ClosedEvent:
                            _established.TrySetException(new ChatConnectionException(SessionFailure.Create(FailureReason.ConnectionLost)));
                            break;
                    }
                }
            }
            finally
            {
                Volatile.Write(ref _dispatching, 0);
            }
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
                PrecomputeKeyPair();
                if (!lastReadFilled)
                {
                    // Zero-byte read: an idle connection holds no buffer (keeps the hub small per session).
                    await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, _lingerCancel.Token).ConfigureAwait(false);
                }

                byte[] buffer = ArrayPool<byte>.Shared.Rent(ReadBufferSize);
                try
                {
                    int read = await _socket.ReceiveAsync(buffer.AsMemory(0, ReadBufferSize), SocketFlags.None, _lingerCancel.Token).ConfigureAwait(false);
                    lastReadFilled = read == ReadBufferSize;
                    bool derive;
                    lock (_gate)
                    {
                        if (read == 0)
                        {
                            _session.PeerDisconnected();
                        }
                        else
                        {
                            _session.Receive(buffer.AsSpan(0, read));
                        }

                        derive = _session.KeyDerivationPending;
                        ended = _session.IsEnded;
                        CollectLocked();
                    }

                    Dispatch();
                    if (derive)
                    {
                        await DeriveKeysAsync().ConfigureAwait(false);
                        lock (_gate)
                        {
                            ended = _session.IsEnded;
                        }
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            Run(s => s.PeerDisconnected());
            return;
        }

        await LingerAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// While the reader would otherwise just wait for the peer, generates the key pair the handshake needs next
    /// (outside the lock, so the writer can send the hello meanwhile). Takes key generation off the critical path.
    /// </summary>
    private void PrecomputeKeyPair()
    {
        KeyPairJob? job;
        lock (_gate)
        {
            job = _session.BeginKeyPairPrecomputation();
        }

        if (job is not null)
        {
            job.Run();
            lock (_gate)
            {
                _session.CompleteKeyPairPrecomputation(job);
            }
        }
    }

    /// <summary>
    /// Runs PBKDF2 outside the lock (so snapshots, sends to other links, timeouts and shutdown never wait for it),
    /// under the server's bound on concurrent derivations.
    /// </summary>
    private async Task DeriveKeysAsync()
    {
        if (_derivationGate is not null)
        {
            await _derivationGate.WaitAsync().ConfigureAwait(false);
        }

        try
        {
            KeyDerivationJob? job = null;
            lock (_gate)
            {
                if (_session.KeyDerivationReady)
                {
                    job = _session.BeginKeyDerivation();
                }
            }

            if (job is null)
            {
                return;
            }

            try
            {
                job.Run();
            }
            catch
            {
                job.Dispose();
                throw;
            }

            Run(s => s.CompleteKeyDerivation(job));
        }
        finally
        {
            _derivationGate?.Release();
        }
    }

    /// <summary>After the session ended: read and discard until the peer closes or the linger time passes, so
    /// closing never resets data the peer has not read yet.</summary>
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
        try
        {
            while (await _wake.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                _wake.Reader.TryRead(out _);
                ArrayBufferWriter<byte>? batch = null;
                bool ended;
                lock (_gate)
                {
                    if (_session.HasOutput)
                    {
                        batch = _session.ExchangeOutput(_spare);
                        _inFlight = batch.WrittenCount;
                    }

                    ended = _session.IsEnded;
                }

                if (batch is not null)
                {
                    ReadOnlyMemory<byte> pending = batch.WrittenMemory;
                    while (!pending.IsEmpty)
                    {
                        int sent = await _socket.SendAsync(pending, SocketFlags.None).ConfigureAwait(false);
                        pending = pending[sent..];
                    }

                    batch.Clear();
                    _spare = batch.Capacity > ReadBufferSize ? new ArrayBufferWriter<byte>(256) : batch;
                    TaskCompletionSource? drained = null;
                    lock (_gate)
                    {
                        _inFlight = 0;
                        if (_drained is not null && UnsentBytes < _options.SendBufferLimit / 2 + 1)
                        {
                            drained = _drained;
                            _drained = null;
                        }

                        ended = _session.IsEnded && !_session.HasOutput;
                        if (_session.HasOutput)
                        {
                            _wake.Writer.TryWrite(true);
                        }
                    }

                    drained?.TrySetResult();
                }

                if (ended)
                {
                    break;
                }
            }

            _socket.Shutdown(SocketShutdown.Send);
            _lingerCancel.CancelAfter(s_linger);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            Run(s => s.PeerDisconnected());
            _lingerCancel.Cancel();
        }
        finally
        {
            TaskCompletionSource? drained;
            lock (_gate)
            {
                drained = _drained;
                _drained = null;
            }

            drained?.TrySetResult();
        }
    }
}
