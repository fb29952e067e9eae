using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// A passive observer on the path (a tap that forwards every byte between a real client and a real hub on 127.0.0.1
/// and keeps a copy) cannot link the session to people: the identities travel only inside the sealed ServerAuth and
/// ClientAuth, so neither identity key, nor its digest or fingerprint, nor a display name appears in what it saw;
/// and neither does the chat.
/// </summary>
public sealed class PassiveObserverTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_tap_on_the_wire_sees_no_identity_no_name_and_no_message_of_a_whole_session()
    {
        using var serverKey = new EphemeralSigner();
        using var clientKey = new EphemeralSigner();
        await using LiveServer live = LiveServer.Start(new ChatOptions { Name = "OperatorOlga", Identity = serverKey });
        using var tap = Tap.Start(live.Port);
        await using var client = new ChatClient(new ChatOptions { Name = "ClientCarlos", Identity = clientKey });

        var answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.MessageReceived += m =>
        {
            if (m.Text == "see you there")
            {
                answered.TrySetResult();
            }
        };

        await client.ConnectAsync("127.0.0.1", tap.Port).WaitAsync(s_wait);
        await client.SendAsync("meet me at the north gate");
        await Eventually.True(() => live.CountMessages("meet me at the north gate") == 1, "the message at the server");
        await live.Server.SendAsync("see you there");
        await answered.Task.WaitAsync(s_wait);
        await client.DisposeAsync();
        byte[] seen = await tap.StopAsync();

        // The tap saw the whole session: the clear hellos, then the sealed auth messages, records and the Close.
        List<byte[]> toServer = Frames.Split(tap.ToServer);
        List<byte[]> toClient = Frames.Split(tap.ToClient);
        toServer.Select(Frames.TypeOf).ShouldContain(FrameType.ClientHello);
        toServer.Select(Frames.TypeOf).ShouldContain(FrameType.ClientAuth);
        toServer.Select(Frames.TypeOf).ShouldContain(FrameType.Chat);
        toClient.Select(Frames.TypeOf).ShouldContain(FrameType.ServerAuth);

        foreach (EphemeralSigner key in new[] { serverKey, clientKey })
        {
            Contains(seen, key.PublicKey).ShouldBeFalse("an identity public key in the clear");
            Contains(seen, SHA256.HashData(key.PublicKey)).ShouldBeFalse("an identity digest in the clear");
            Contains(seen, Encoding.ASCII.GetBytes(IdentityFingerprint.Of(key.PublicKey))).ShouldBeFalse("a fingerprint in the clear");
        }

        foreach (string text in new[] { "OperatorOlga", "ClientCarlos", "north gate", "see you there" })
        {
            Contains(seen, Encoding.UTF8.GetBytes(text)).ShouldBeFalse($"'{text}' in the clear");
        }
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    /// <summary>Forwards one connection to the server both ways and keeps a copy of every byte.</summary>
    private sealed class Tap : IDisposable
    {
        private readonly Socket _listener;
        private readonly MemoryStream _toServer = new();
        private readonly MemoryStream _toClient = new();
        private readonly Task _run;

        private Tap(Socket listener, int serverPort)
        {
            _listener = listener;
            Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
            _run = Task.Run(() => RunAsync(serverPort));
        }

        public int Port { get; }

        public byte[] ToServer { get; private set; } = [];

        public byte[] ToClient { get; private set; } = [];

        public static Tap Start(int serverPort)
        {
            var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(1);
            return new Tap(listener, serverPort);
        }

        /// <summary>Waits until both directions have ended (the client closed) and returns everything seen.</summary>
        public async Task<byte[]> StopAsync()
        {
            await _run.WaitAsync(s_wait);
            ToServer = _toServer.ToArray();
            ToClient = _toClient.ToArray();
            return [.. ToServer, .. ToClient];
        }

        public void Dispose() => _listener.Dispose();

        private async Task RunAsync(int serverPort)
        {
            using Socket client = await _listener.AcceptAsync();
            using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await server.ConnectAsync(new IPEndPoint(IPAddress.Loopback, serverPort));
            await Task.WhenAll(PumpAsync(client, server, _toServer), PumpAsync(server, client, _toClient));
        }

        private static async Task PumpAsync(Socket from, Socket to, MemoryStream copy)
        {
            byte[] buffer = new byte[16_384];
            try
            {
                while (true)
                {
                    int read = await from.ReceiveAsync(buffer, SocketFlags.None);
                    if (read == 0)
                    {
                        break;
                    }

                    lock (copy)
                    {
                        copy.Write(buffer, 0, read);
                    }

                    await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
                }
            }
            catch (SocketException)
            {
                // The other end reset: the session is over either way.
            }

            try
            {
                to.Shutdown(SocketShutdown.Send);
            }
            catch (SocketException)
            {
            }
        }
    }
}
