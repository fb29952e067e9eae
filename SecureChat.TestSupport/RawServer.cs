using System.Net;
using System.Net.Sockets;
using SecureChat.Engine.Session;

namespace SecureChat.TestSupport;

/// <summary>
/// An attacker's server on 127.0.0.1 for a real <see cref="SecureChat.Engine.Transport.ChatClient"/>: it accepts connections and
/// either hands each over as a <see cref="RawClient"/> with a server session the test drives by hand (a real v2
/// handshake, then whatever the test wants: silence, dropped records), or as a bare socket for tests that answer
/// with raw bytes.
/// </summary>
internal sealed class RawServer : IDisposable
{
    private readonly Socket _listener;

    private RawServer(Socket listener)
    {
        _listener = listener;
        Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
    }

    public int Port { get; }

    public static RawServer Listen()
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(16);
        return new RawServer(listener);
    }

    /// <summary>Accepts the next connection with a server session (not started: call HandshakeAsync).</summary>
    public async Task<RawClient> AcceptAsync(SessionSettings? settings = null, TimeSpan? timeout = null)
    {
        Socket socket = await AcceptSocketAsync(timeout ?? TimeSpan.FromSeconds(10)) ?? throw new TimeoutException("nobody connected");
        return RawClient.Accepted(socket, settings);
    }

    /// <summary>The next connection as a bare socket, or null when nobody connects within <paramref name="timeout"/>.</summary>
    public async Task<Socket?> AcceptSocketAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            Socket socket = await _listener.AcceptAsync(cancel.Token);
            socket.NoDelay = true;
            return socket;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public void Dispose() => _listener.Dispose();
}
