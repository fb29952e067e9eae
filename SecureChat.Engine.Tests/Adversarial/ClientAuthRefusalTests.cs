using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// The server's refusal of a ClientAuth reaches the client as what it is (PROTOCOL.md 3.7, 6): a byte of the ClientAuth
/// is flipped in transit by a relay between an honest <see cref="ChatClient"/> and a real <see cref="ChatServer"/> on
/// 127.0.0.1, so the server fails key confirmation and answers with a clear Alert 5. The client, secure only once a
/// record of the server's after ServerAuth opens, never says the connection is secure and reports the Alert.
/// </summary>
public sealed class ClientAuthRefusalTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(WireFormat.FrameHeaderSize + 20)] // the ciphertext: the tag fails
    [InlineData(-1)] // the last byte of the tag
    public async Task A_client_auth_the_server_refuses_is_reported_as_the_server_s_alert_and_never_as_established(int flipAt)
    {
        await using LiveServer live = LiveServer.Start();
        using var relay = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        relay.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        relay.Listen(1);
        Task<(int ClientPort, bool Flipped)> relaying = RelayFlippingClientAuth(relay, live.Port, flipAt);

        await using var client = new ChatClient(new ChatOptions { Name = "victim" });
        int established = 0;
        var failed = new TaskCompletionSource<SessionFailure>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Established += _ => Interlocked.Increment(ref established);
        client.Failed += (_, f) => failed.TrySetResult(f);
        Task connecting = client.ConnectAsync("127.0.0.1", ((IPEndPoint)relay.LocalEndPoint!).Port);

        string connect = "connected";
        try
        {
            await connecting.WaitAsync(Eventually.DefaultTimeout);
        }
        catch (ChatConnectionException e)
        {
            connect = "refused: " + e.Message;
        }

        SessionFailure failure = await failed.Task.WaitAsync(Eventually.DefaultTimeout);
        SessionFailure serverSide = await live.FailureFor((await relaying).ClientPort);
        output.WriteLine($"ClientAuth altered at {flipAt}: the server failed with {serverSide.Reason}; the client's connect {connect}; it reported {failure.Reason} ({failure.Message}), Established raised {established} times");
        connect.ShouldStartWith("refused");
        serverSide.Reason.ShouldBe(FailureReason.KeyConfirmationFailed);
        failure.Reason.ShouldBe(FailureReason.KeyConfirmationFailed, "the server's Alert 5, not a lost connection");
        established.ShouldBe(0, "the client never said the connection was secure");
    }

    /// <summary>
    /// Accepts one client and relays both ways to the server, flipping one byte of the client's ClientAuth frame
    /// (<paramref name="flipAt"/> counted from the frame's start, or from its end when negative). Returns the local port
    /// of its connection to the server (the server's name for the client).
    /// </summary>
    private static async Task<(int ClientPort, bool Flipped)> RelayFlippingClientAuth(Socket listener, int serverPort, int flipAt)
    {
        using Socket client = await listener.AcceptAsync();
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await server.ConnectAsync(IPAddress.Loopback, serverPort);
        int port = ((IPEndPoint)server.LocalEndPoint!).Port;
        Task back = CopyAsync(server, client);
        bool flipped = false;
        byte[] pending = [];
        byte[] buffer = new byte[64 * 1024];
        while (true)
        {
            int read;
            try
            {
                read = await client.ReceiveAsync(buffer, SocketFlags.None);
            }
            catch (SocketException)
            {
                break;
            }

            if (read == 0)
            {
                break;
            }

            pending = [.. pending, .. buffer.AsSpan(0, read)];
            int whole = 0;
            while (pending.Length - whole >= WireFormat.FrameHeaderSize)
            {
                int length = WireFormat.FrameHeaderSize + (int)BinaryPrimitives.ReadUInt32BigEndian(pending.AsSpan(whole + 1));
                if (pending.Length - whole < length)
                {
                    break;
                }

                if (!flipped && pending[whole] == (byte)FrameType.ClientAuth)
                {
                    pending[whole + (flipAt >= 0 ? flipAt : length + flipAt)] ^= 0x01;
                    flipped = true;
                }

                whole += length;
            }

            try
            {
                await server.SendAsync(pending.AsMemory(0, whole), SocketFlags.None);
            }
            catch (SocketException)
            {
                break;
            }

            pending = pending[whole..];
        }

        await back.WaitAsync(TimeSpan.FromSeconds(30));
        return (port, flipped);
    }

    private static async Task CopyAsync(Socket from, Socket to)
    {
        byte[] buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer, SocketFlags.None)) > 0)
            {
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
            }

            to.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
        }
    }
}
