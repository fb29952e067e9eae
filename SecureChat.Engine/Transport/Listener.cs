using System.Net;
using System.Net.Sockets;
using SecureChat.Engine.Session;

namespace SecureChat.Engine.Transport;

/// <summary>
/// The listening socket and its accept loop. Binding fails with a one-line <see cref="ChatConnectionException"/>;
/// a connection reset before it was accepted is skipped. Thread-safe.
/// </summary>
internal sealed class Listener
{
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stopping = new();
    private Task _acceptLoop = Task.CompletedTask;

    private Listener(Socket socket)
    {
        _socket = socket;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
    }

    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Binds <paramref name="host"/>:<paramref name="port"/> (port 0 picks a free one) and listens.</summary>
    public static Listener Bind(string host, int port)
    {
        IPAddress address;
        try
        {
            address = ResolveListenAddress(host);
        }
        catch (SocketException e)
        {
            throw new ChatConnectionException(SessionFailure.Create(FailureReason.ListenFailed, $"{host}:{port}: {SocketErrors.Describe(e)}"));
        }

        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(address, port));
            socket.Listen(512);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new ChatConnectionException(SessionFailure.Create(FailureReason.ListenFailed, $"{host}:{port}: {SocketErrors.Describe(e)}"));
        }

        return new Listener(socket);
    }

    /// <summary>Accepts connections until stopped, handing each to <paramref name="accepted"/>.</summary>
    public void Start(Action<Socket> accepted) => _acceptLoop = Task.Run(() => AcceptLoopAsync(accepted));

    /// <summary>Stops accepting and waits for the loop to end.</summary>
    public async Task StopAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            _stopping.Cancel();
            _socket.Dispose();
        }

        await _acceptLoop.ConfigureAwait(false);
    }

    private static IPAddress ResolveListenAddress(string host)
    {
        if (IPAddress.TryParse(host, out IPAddress? parsed))
        {
            return parsed;
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }

        IPAddress[] addresses = Dns.GetHostAddresses(host);
        return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.First();
    }

    private async Task AcceptLoopAsync(Action<Socket> accepted)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _socket.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                break;
            }
            catch (SocketException)
            {
                // A connection reset before we accepted it; nothing to do for the others.
                continue;
            }

            accepted(socket);
        }
    }
}
