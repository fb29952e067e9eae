using System.Net;
using System.Net.Sockets;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Transport;

/// <summary>
/// Two links over a real TCP connection on 127.0.0.1, a client's and a hub's, made and started as the engine makes
/// them, each with its own options (and so its own clock).
/// </summary>
internal sealed class LinkPair : IAsyncDisposable
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    private LinkPair(Link client, Link server) => (Client, Server) = (client, server);

    public Link Client { get; }

    public Link Server { get; }

    /// <summary>Connects, starts both links and waits until both are secure.</summary>
    public static async Task<LinkPair> EstablishedAsync(ChatOptions client, ChatOptions server)
    {
        (Socket near, Socket far) = await ConnectedSocketsAsync();
        var pair = new LinkPair(
            new Link(1, near, SessionSettingsFactory.Create(client, SessionRole.Client, "alice", null), new LinkContext(client), (_, _) => { }, "hub"),
            new Link(2, far, SessionSettingsFactory.Create(server, SessionRole.Server, "hub", null), new LinkContext(server), (_, _) => { }, "alice"));
        pair.Server.Start();
        pair.Client.Start();
        await Task.WhenAll(pair.Client.Established, pair.Server.Established).WaitAsync(s_wait);
        return pair;
    }

    /// <summary>A connected pair of sockets: the first as a client has it, the second as a listener accepted it.</summary>
    public static async Task<(Socket Client, Socket Accepted)> ConnectedSocketsAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(listener.LocalEndPoint!);
        return (client, await listener.AcceptAsync());
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(Client.CloseAsync(), Server.CloseAsync()).WaitAsync(s_wait);
    }
}
