using System.Net;
using System.Net.Sockets;

namespace SecureChat.TestSupport;

/// <summary>
/// A man on the path between one client and a server on 127.0.0.1: it forwards every byte both ways (an end that
/// closes is half-closed toward the other), keeps a copy of each direction, and can stop passing the server's bytes
/// on (<see cref="SilenceServer"/>), as a server that hangs or a network that drops one direction would, while the
/// server itself keeps running; or stop reading the client's bytes for a while (<see cref="HoldClient"/>), as a server
/// that stops reading would, so the client's bytes back up in its socket. Thread-safe.
/// </summary>
internal sealed class TcpTap : IAsyncDisposable
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);
    private readonly Socket _listener;
    private readonly MemoryStream _toServer = new();
    private readonly MemoryStream _toClient = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;
    private volatile bool _silent;
    private readonly object _gate = new();
    private TaskCompletionSource? _held;

    private TcpTap(Socket listener, int serverPort)
    {
        _listener = listener;
        Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        _run = Task.Run(() => RunAsync(serverPort));
    }

    /// <summary>Where the client connects.</summary>
    public int Port { get; }

    /// <summary>Every byte the client sent so far.</summary>
    public byte[] ToServer => Copy(_toServer);

    /// <summary>Every byte the server sent so far (those dropped after <see cref="SilenceServer"/> included).</summary>
    public byte[] ToClient => Copy(_toClient);

    /// <summary>
    /// Listens for one client, forwarded to the server at <paramref name="serverPort"/>; with
    /// <paramref name="clientReceiveBufferSize"/>, the socket that reads the client advertises that small a window, so
    /// the client's bytes back up quickly while held.
    /// </summary>
    public static TcpTap Start(int serverPort, int? clientReceiveBufferSize = null)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        if (clientReceiveBufferSize is { } size)
        {
            listener.ReceiveBufferSize = size; // before listening: the accepted socket inherits it
        }

        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        return new TcpTap(listener, serverPort);
    }

    /// <summary>From now on the server's bytes are read and dropped: the client hears nothing more.</summary>
    public void SilenceServer() => _silent = true;

    /// <summary>From now on nothing more is read from the client until <see cref="ReleaseClient"/>.</summary>
    public void HoldClient()
    {
        lock (_gate)
        {
            _held ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>The client's bytes are read and passed on again, those that waited first.</summary>
    public void ReleaseClient()
    {
        TaskCompletionSource? held;
        lock (_gate)
        {
            held = _held;
            _held = null;
        }

        held?.TrySetResult();
    }

    /// <summary>Waits (at most 30 s) until both directions have ended and returns everything seen, the client's bytes first.</summary>
    public async Task<byte[]> ClosedAsync()
    {
        await _run.WaitAsync(s_wait);
        return [.. ToServer, .. ToClient];
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        try
        {
            await _run.WaitAsync(s_wait);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private static byte[] Copy(MemoryStream stream)
    {
        lock (stream)
        {
            return stream.ToArray();
        }
    }

    private async Task RunAsync(int serverPort)
    {
        using Socket client = await _listener.AcceptAsync(_stop.Token);
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await server.ConnectAsync(new IPEndPoint(IPAddress.Loopback, serverPort), _stop.Token);
        await Task.WhenAll(PumpAsync(client, server, _toServer, fromServer: false), PumpAsync(server, client, _toClient, fromServer: true));
    }

    /// <summary>Reads the next bytes of one direction; the client's wait while held.</summary>
    private async ValueTask<int> ReceiveAsync(Socket from, byte[] buffer, bool fromServer)
    {
        Task? held;
        lock (_gate)
        {
            held = fromServer ? null : _held?.Task;
        }

        if (held is not null)
        {
            await held.WaitAsync(_stop.Token);
        }

        return await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
    }

    private async Task PumpAsync(Socket from, Socket to, MemoryStream copy, bool fromServer)
    {
        byte[] buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await ReceiveAsync(from, buffer, fromServer)) > 0)
            {
                lock (copy)
                {
                    copy.Write(buffer, 0, read);
                }

                if (!(fromServer && _silent))
                {
                    await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The other end reset, or the tap is stopping: this direction is over either way.
        }

        try
        {
            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }
}
