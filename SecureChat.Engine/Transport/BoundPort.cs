using System.Net;

namespace SecureChat.Engine.Transport;

/// <summary>
/// A listening socket bound before its server exists, so an app can show where it listens (and refuse a port in use
/// with one line) before it has loaded what the server needs; <see cref="ChatServer.Start(BoundPort)"/> then accepts
/// on it. Connections that arrive meanwhile wait in the kernel's backlog. Disposing a port no server took closes it.
/// Thread-safe.
/// </summary>
public sealed class BoundPort : IDisposable
{
    private Listener? _listener;

    private BoundPort(Listener listener)
    {
        _listener = listener;
        LocalEndPoint = listener.LocalEndPoint;
    }

    /// <summary>Where the socket listens (port 0 was given a free port).</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>
    /// Binds <paramref name="host"/>:<paramref name="port"/> and listens. Throws <see cref="ChatConnectionException"/>
    /// with a one-line reason when the address cannot be used.
    /// </summary>
    public static BoundPort Bind(string host, int port) => new(Listener.Bind(host, port));

    /// <summary>Hands the socket over to a server (once).</summary>
    internal Listener Take() =>
        Interlocked.Exchange(ref _listener, null) ?? throw new InvalidOperationException("the port was already taken or closed");

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _listener, null) is { } listener)
        {
            listener.StopAsync().GetAwaiter().GetResult();
        }
    }
}
