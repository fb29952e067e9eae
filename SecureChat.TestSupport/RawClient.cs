using System.Runtime.CompilerServices;
using SecureChat.Engine.Chat;
using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;

namespace SecureChat.TestSupport;

/// <summary>
/// An attacker's client: a raw socket plus a client <see cref="SecureSession"/> that the test drives by hand, so
/// it can speak the protocol correctly up to the point of attack and then send exactly the bytes it wants. Accepted
/// by a <see cref="RawServer"/>, the same with a server session: an attacker's server.
/// </summary>
internal sealed partial class RawClient : IAsyncDisposable
{
    private static readonly TimeSpan s_readTimeout = TimeSpan.FromSeconds(30);
    private readonly Socket _socket;
    private readonly List<SessionEvent> _events = [];

    private RawClient(Socket socket, SecureSession session)
    {
        _socket = socket;
        Session = session;
        Chat = new ChatChannel(session);
        LocalPort = ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    public SecureSession Session { get; }

    /// <summary>The chat on top of <see cref="Session"/>, to seal chat and nick records by hand.</summary>
    public ChatChannel Chat { get; }

    public int LocalPort { get; }

    public IReadOnlyList<SessionEvent> Events => _events;

    /// <param name="from">
    /// The loopback source address to connect from (Linux routes all of 127/8 to lo), so a test can have an attacker
    /// and an honest client at different addresses; null: the system's choice, 127.0.0.1.
    /// </param>
    public static async Task<RawClient> ConnectAsync(int port, SessionSettings? settings = null, IPAddress? from = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (from is not null)
        {
            socket.Bind(new IPEndPoint(from, 0));
        }

        await socket.ConnectAsync(IPAddress.Loopback, port);
        return new RawClient(socket, new SecureSession(settings ?? new SessionSettings { Role = SessionRole.Client }));
    }

    /// <summary>Wraps a connection a <see cref="RawServer"/> accepted, with a server session.</summary>
    public static RawClient Accepted(Socket socket, SessionSettings? settings = null)
    {
        socket.NoDelay = true;
        return new RawClient(socket, new SecureSession(settings ?? new SessionSettings { Role = SessionRole.Server }));
    }

    /// <summary>
    /// Runs the client side of the handshake (the server side for an accepted connection). <paramref name="mutate"/> may rewrite each outgoing frame (return
    /// it unchanged to pass it through); <paramref name="oneByteAtATime"/> writes every byte separately.
    /// Returns whether the session became secure.
    /// </summary>
    public async Task<bool> HandshakeAsync(Func<byte[], byte[]>? mutate = null, bool oneByteAtATime = false)
    {
        Session.Start();
        byte[] buffer = new byte[64 * 1024];
        while (!Session.IsSecure && !Session.IsEnded)
        {
            await FlushAsync(mutate, oneByteAtATime);
            if (Session.KeyDerivationPending)
            {
                Session.DeriveKeys();
                continue;
            }

            int read = await ReceiveAsync(buffer, s_readTimeout);
            if (read == 0)
            {
                Session.PeerDisconnected();
                break;
            }

            Session.Receive(buffer.AsSpan(0, read));
        }

        await FlushAsync(mutate, oneByteAtATime);
        Session.DrainEvents(_events);
        return Session.IsSecure;
    }

    /// <summary>Runs a session operation and returns the frame bytes it produced, without sending them.</summary>
    public byte[] Produce(Action<SecureSession> operation)
    {
        operation(Session);
        return TakeOutput();
    }

    /// <summary>Runs a chat operation and returns the record bytes it produced, without sending them.</summary>
    public byte[] ProduceChat(Action<ChatChannel> operation)
    {
        operation(Chat);
        return TakeOutput();
    }

    public byte[] TakeOutput() => Session.ExchangeOutput(new ArrayBufferWriter<byte>()).WrittenSpan.ToArray();

    public async Task SendAsync(byte[] data, bool oneByteAtATime = false)
    {
        _sent?.AddRange(data);
        ReadOnlyMemory<byte> bytes = data;
        if (oneByteAtATime)
        {
            for (int i = 0; i < bytes.Length; i++)
            {
                await _socket.SendAsync(bytes.Slice(i, 1), SocketFlags.None);
            }

            return;
        }

        while (!bytes.IsEmpty)
        {
            int sent = await _socket.SendAsync(bytes, SocketFlags.None);
            bytes = bytes[sent..];
        }
    }

    /// <summary>Reads one whole frame as raw bytes (header included); null when the server closed first.</summary>
    public async Task<byte[]?> ReadFrameAsync(TimeSpan? timeout = null)
    {
        byte[] header = new byte[WireFormat.FrameHeaderSize];
        if (!await ReadExactlyAsync(header, timeout ?? s_readTimeout))
        {
            return null;
        }

        int length = checked((int)BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1)));
        byte[] frame = new byte[WireFormat.FrameHeaderSize + length];
        header.CopyTo(frame, 0);
        return await ReadExactlyAsync(frame.AsMemory(WireFormat.FrameHeaderSize), timeout ?? s_readTimeout) ? frame : null;
    }

    /// <summary>
    /// Reads and discards everything the server sends, in large reads (a member that keeps up), adding the count to
    /// <paramref name="received"/>, until the server closes or resets the connection.
    /// </summary>
    public Task DrainAsync(StrongBox<long> received) => Task.Run(async () =>
    {
        byte[] buffer = new byte[256 * 1024];
        try
        {
            int read;
            while ((read = await _socket.ReceiveAsync(buffer, SocketFlags.None)) > 0)
            {
                Interlocked.Add(ref received.Value, read);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    });

    /// <summary>
    /// Reads and discards everything the server sends at about <paramref name="bytesPerSecond"/> (a member on a slow
    /// link that keeps reading), adding the count to <paramref name="received"/>, until the server closes or resets
    /// the connection.
    /// </summary>
    public Task ReadPacedAsync(int bytesPerSecond, StrongBox<long> received) => Task.Run(async () =>
    {
        byte[] buffer = new byte[8 * 1024];
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long total = 0;
        try
        {
            int read;
            while ((read = await _socket.ReceiveAsync(buffer, SocketFlags.None)) > 0)
            {
                total += read;
                Interlocked.Add(ref received.Value, read);
                TimeSpan due = TimeSpan.FromSeconds(total / (double)bytesPerSecond) - clock.Elapsed;
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due);
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    });

    /// <summary>Reads frames until an Alert arrives; returns it, or null when the server closed without one.</summary>
    public async Task<AlertMessage?> ReadAlertAsync(TimeSpan? timeout = null)
    {
        while (await ReadFrameAsync(timeout) is { } frame)
        {
            if (frame[0] == (byte)FrameType.Alert && AlertMessage.TryParse(frame.AsSpan(WireFormat.FrameHeaderSize), out AlertMessage alert))
            {
                return alert;
            }
        }

        return null;
    }

    /// <summary>True when the server closes the connection (FIN or reset) within the timeout.</summary>
    public async Task<bool> ServerClosesAsync(TimeSpan timeout)
    {
        byte[] buffer = new byte[4096];
        DateTime deadline = DateTime.UtcNow + timeout;
        try
        {
            while (DateTime.UtcNow < deadline)
            {
                using var cancel = new CancellationTokenSource(deadline - DateTime.UtcNow);
                if (await _socket.ReceiveAsync(buffer, SocketFlags.None, cancel.Token) == 0)
                {
                    return true;
                }
            }
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
        }

        return false;
    }

    /// <summary>Kills the connection the way a crashed peer does: a TCP reset, no goodbye.</summary>
    public void Abort()
    {
        _socket.LingerState = new LingerOption(true, 0);
        _socket.Close();
    }

    public void HalfClose() => _socket.Shutdown(SocketShutdown.Send);

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        Session.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Splits a run of whole frames into frames.</summary>
    public static List<byte[]> SplitFrames(ReadOnlySpan<byte> bytes)
    {
        var frames = new List<byte[]>();
        while (!bytes.IsEmpty)
        {
            int length = WireFormat.FrameHeaderSize + (int)BinaryPrimitives.ReadUInt32BigEndian(bytes[1..]);
            frames.Add(bytes[..length].ToArray());
            bytes = bytes[length..];
        }

        return frames;
    }

    /// <summary>Builds a frame from a type and a body.</summary>
    public static byte[] Frame(byte type, ReadOnlySpan<byte> body)
    {
        byte[] frame = new byte[WireFormat.FrameHeaderSize + body.Length];
        frame[0] = type;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)body.Length);
        body.CopyTo(frame.AsSpan(WireFormat.FrameHeaderSize));
        return frame;
    }

    private async Task FlushAsync(Func<byte[], byte[]>? mutate, bool oneByteAtATime)
    {
        byte[] output = TakeOutput();
        foreach (byte[] frame in SplitFrames(output))
        {
            await SendAsync(mutate is null ? frame : mutate(frame), oneByteAtATime);
        }
    }

    private async Task<int> ReceiveAsync(Memory<byte> buffer, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            int read = await _socket.ReceiveAsync(buffer, SocketFlags.None, cancel.Token);
            _received?.AddRange(buffer.Span[..read]);
            return read;
        }
        catch (SocketException)
        {
            return 0;
        }
    }

    private async Task<bool> ReadExactlyAsync(Memory<byte> buffer, TimeSpan timeout)
    {
        while (!buffer.IsEmpty)
        {
            int read = await ReceiveAsync(buffer, timeout);
            if (read == 0)
            {
                return false;
            }

            buffer = buffer[read..];
        }

        return true;
    }
}
