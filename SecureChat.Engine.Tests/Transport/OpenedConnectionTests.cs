using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Transport;

/// <summary>
/// A connection made before its client exists: a refusal is one line within milliseconds, the client's handshake runs
/// on that very connection, and one that waited longer than <see cref="OpenedConnection.FreshFor"/> is replaced.
/// </summary>
public sealed class OpenedConnectionTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_refused_connection_is_one_line_within_milliseconds()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var watch = Stopwatch.StartNew();
        ChatConnectionException e = await Should.ThrowAsync<ChatConnectionException>(() => OpenedConnection.ConnectAsync("127.0.0.1", port));
        output.WriteLine($"refused after {watch.Elapsed.TotalMilliseconds:F1} ms: {e.Message}");
        e.Message.ShouldBe($"could not connect to 127.0.0.1:{port}: connection refused");
        e.Failure.Reason.ShouldBe(FailureReason.ConnectionFailed);
    }

    [Fact]
    public async Task The_clients_handshake_runs_on_the_connection_made_before_it()
    {
        await using var server = new ChatServer(new ChatOptions { Name = "hub" }.FromOneAddress());
        IPEndPoint hub = server.Start("127.0.0.1", 0);

        // A door that lets one connection through to the server and then closes: a second connection is refused.
        using var door = new TcpListener(IPAddress.Loopback, 0);
        door.Start();
        int port = ((IPEndPoint)door.LocalEndpoint).Port;
        Task<OpenedConnection> opening = OpenedConnection.ConnectAsync("127.0.0.1", port);
        using Socket inside = await door.AcceptSocketAsync().WaitAsync(s_wait);
        door.Stop();
        using OpenedConnection connection = await opening.WaitAsync(s_wait);
        connection.Host.ShouldBe("127.0.0.1");
        connection.Port.ShouldBe(port);
        using Socket toHub = new(SocketType.Stream, ProtocolType.Tcp);
        await toHub.ConnectAsync(hub);
        Task relay = Relay(inside, toHub);

        await using var client = new ChatClient(new ChatOptions { Name = "early" });
        await client.ConnectAsync(connection).WaitAsync(s_wait);
        client.Server!.Stage.ShouldBe(SessionStage.Secure);
        await Should.ThrowAsync<InvalidOperationException>(() => new ChatClient(new ChatOptions()).ConnectAsync(connection), "a connection is handed over once");
        await client.StopAsync();
        await relay.WaitAsync(s_wait);
    }

    [Fact]
    public async Task A_connection_that_waited_longer_than_FreshFor_is_closed_and_a_new_one_carries_the_handshake()
    {
        await using var server = new ChatServer(new ChatOptions { Name = "hub" }.FromOneAddress());
        IPEndPoint hub = server.Start("127.0.0.1", 0);
        using var door = new TcpListener(IPAddress.Loopback, 0);
        door.Start();
        int port = ((IPEndPoint)door.LocalEndpoint).Port;
        var time = new FakeTimeProvider();
        Task<OpenedConnection> opening = OpenedConnection.ConnectAsync("127.0.0.1", port, time: time);
        using Socket stale = await door.AcceptSocketAsync().WaitAsync(s_wait);
        using OpenedConnection connection = await opening.WaitAsync(s_wait);
        time.Advance(OpenedConnection.FreshFor + TimeSpan.FromMilliseconds(1));

        await using var client = new ChatClient(new ChatOptions { Name = "late" });
        Task connecting = client.ConnectAsync(connection);
        using Socket fresh = await door.AcceptSocketAsync().WaitAsync(s_wait);
        using Socket toHub = new(SocketType.Stream, ProtocolType.Tcp);
        await toHub.ConnectAsync(hub);
        Task relay = Relay(fresh, toHub);
        await connecting.WaitAsync(s_wait);
        client.Server!.Stage.ShouldBe(SessionStage.Secure);

        byte[] buffer = new byte[16];
        (await stale.ReceiveAsync(buffer).WaitAsync(s_wait)).ShouldBe(0, "the stale connection was closed with nothing sent on it");
        await client.StopAsync();
        await relay.WaitAsync(s_wait);
    }

    /// <summary>Copies bytes both ways until either side closes.</summary>
    private static Task Relay(Socket a, Socket b) => Task.WhenAny(Copy(a, b), Copy(b, a));

    private static async Task Copy(Socket from, Socket to)
    {
        byte[] buffer = new byte[65536];
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer)) > 0)
            {
                await to.SendAsync(buffer.AsMemory(0, read));
            }

            to.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // One side reset: the relay ends.
        }
    }
}
