using System.Net;
using System.Net.Sockets;

namespace SecureChat.TestSupport;

/// <summary>
/// A man on the path between one client and a server on 127.0.0.1: it forwards every byte both ways (an end that
/// closes is half-closed toward the other), keeps a copy of each direction, and can stop passing the server's bytes
/// on (<see cref="SilenceServer"/>), as a server that hangs or a network that drops one direction would, while the
/// server itself keeps running. Thread-safe.
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

    /// <summary>Listens for one client, forwarded to the server at <paramref name="serverPort"/>.</summary>
    public static TcpTap Start(int serverPort)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        return new TcpTap(listener, serverPort);
    }

    /// <summary>From now on the server's bytes are read and dropped: the client hears nothing more.</summary>
    public void SilenceServer() => _silent = true;

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

    private async Task PumpAsync(Socket from, Socket to, MemoryStream copy, bool fromServer)
    {
        byte[] buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token)) > 0)
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
