using System.Net;
using System.Net.Sockets;
using SecureChat.Engine.Session;

namespace SecureChat.Engine.Transport;

/// <summary>
/// A TCP connection to a server made before its client exists, so an app can learn within milliseconds that a
/// connection is refused or a host is not found (and say so in one line) while it loads what the client needs;
/// <see cref="ChatClient.ConnectAsync(OpenedConnection, CancellationToken)"/> then runs the handshake on it. A server
/// stops waiting for a client's hello after a few seconds (PROTOCOL.md: 5 s), so a connection older than
/// <see cref="FreshFor"/> when the handshake starts is closed and replaced with a new one. Disposing a connection no
/// client took closes it. Thread-safe.
/// </summary>
public sealed class OpenedConnection : IDisposable
{
    /// <summary>How long a connection waits for its handshake before a client opens a new one instead.</summary>
    public static readonly TimeSpan FreshFor = TimeSpan.FromSeconds(2);

    private readonly TimeProvider _time;
    private readonly long _openedAt;
    private Socket? _socket;

    private OpenedConnection(string host, int port, Socket socket, TimeProvider time)
    {
        Host = host;
        Port = port;
        _socket = socket;
        _time = time;
        _openedAt = time.GetTimestamp();
    }

    /// <summary>The host as given (the name a server's pinned identity goes by).</summary>
    public string Host { get; }

    public int Port { get; }

    /// <summary>
    /// Connects to <paramref name="host"/>:<paramref name="port"/>. Throws <see cref="ChatConnectionException"/> with a
    /// one-line reason when the host is not found or the connection is refused; <paramref name="time"/> (the system
    /// clock by default) measures the connection's age.
    /// </summary>
    public static async Task<OpenedConnection> ConnectAsync(string host, int port, CancellationToken cancellationToken = default, TimeProvider? time = null)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(Target(host, port), cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new ChatConnectionException(Refused(host, port, e));
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new OpenedConnection(host, port, socket, time ?? TimeProvider.System);
    }

    /// <summary>Where a socket connects: an address needs no resolver (connecting to it directly saves the name lookup's thread-pool hop).</summary>
    internal static EndPoint Target(string host, int port) =>
        IPAddress.TryParse(host, out IPAddress? address) ? new IPEndPoint(address, port) : new DnsEndPoint(host, port);

    /// <summary>The failure of a connection that could not be made, in one line.</summary>
    internal static SessionFailure Refused(string host, int port, SocketException e)
    {
        string where = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]:{port}" : $"{host}:{port}";
        return SessionFailure.Create(FailureReason.ConnectionFailed, $"{where}: {SocketErrors.Describe(e)}");
    }

    /// <summary>Hands the socket over to a client (once); null, the socket closed, when it is older than <see cref="FreshFor"/>.</summary>
    internal Socket? Take()
    {
        Socket socket = Interlocked.Exchange(ref _socket, null) ?? throw new InvalidOperationException("the connection was already taken or closed");
        if (_time.GetElapsedTime(_openedAt) > FreshFor)
        {
            socket.Dispose();
            return null;
        }

        return socket;
    }

    public void Dispose() => Interlocked.Exchange(ref _socket, null)?.Dispose();
}
