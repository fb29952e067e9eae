using SecureChat.Engine.Chat;
using System.Net;
using System.Net.Sockets;
using System.Text;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// A man in the middle who runs his own Diffie-Hellman with each side and relays the chat between them.
/// Without a passphrase the handshake succeeds but the two sides' fingerprints and SAS differ, so comparing them
/// out of band exposes him; with a passphrase he cannot complete key confirmation and both sides fail saying so.
/// </summary>
public sealed class ManInTheMiddleTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Without_a_passphrase_the_relay_works_but_the_fingerprints_and_sas_differ()
    {
        await using LiveServer live = LiveServer.Start();
        var serverView = new TaskCompletionSource<PeerInfo>(TaskCreationOptions.RunContinuationsAsynchronously);
        live.Server.Established += p => serverView.TrySetResult(p);
        await using var mitm = MitmRelay.Start(live.Port, passphrase: []);
        await using var client = new ChatClient(new ChatOptions { Name = "alice" });

        await client.ConnectAsync("127.0.0.1", mitm.Port).WaitAsync(s_wait);
        PeerInfo atServer = await serverView.Task.WaitAsync(s_wait);

        // The server is secure once it verifies the relay's ClientAuth; the relay's side of that link only once the
        // server's next record opens (PROTOCOL.md 3.7). A chat relayed before then would be dropped by the relay.
        await Eventually.True(() => mitm.UpstreamSecure, "the relay's own link to the server");
        await client.SendAsync("secret plans");
        await Eventually.True(() => live.CountMessages("secret plans") == 1, "the relayed message");

        mitm.Intercepted.ShouldContain("secret plans", "the relay reads everything: only the fingerprint comparison exposes it");
        PeerInfo atClient = client.Server!;
        atClient.Fingerprint.ShouldNotBe(atServer.Fingerprint);
        atClient.Sas.ShouldNotBe(atServer.Sas);
        atClient.Identity.ShouldBe(IdentityFingerprint.Of(mitm.Identity.PublicKey), "the client sees the relay's identity, not the server's");
    }

    [Fact]
    public async Task With_a_passphrase_the_handshake_fails_on_both_sides_with_the_message_that_says_so()
    {
        byte[] passphrase = Encoding.UTF8.GetBytes("correct horse battery staple");
        await using LiveServer live = LiveServer.Start(new ChatOptions { Passphrase = passphrase });
        await using var mitm = MitmRelay.Start(live.Port, passphrase: Encoding.UTF8.GetBytes("a guess"));
        await using var client = new ChatClient(new ChatOptions { Passphrase = passphrase });

        var error = await Should.ThrowAsync<ChatConnectionException>(() => client.ConnectAsync("127.0.0.1", mitm.Port).WaitAsync(s_wait));

        error.Failure.Reason.ShouldBe(FailureReason.KeyConfirmationFailed);
        error.Message.ShouldContain("the passphrases differ or someone is in the middle");
        SessionFailure atServer = await Eventually.Value(() => live.Failures.Select(f => f.Failure).FirstOrDefault(), "the server's failure");
        atServer.Reason.ShouldBe(FailureReason.KeyConfirmationFailed);
        atServer.Message.ShouldContain("the passphrases differ or someone is in the middle");
        mitm.Intercepted.ShouldBeEmpty();
    }

    /// <summary>
    /// Accepts one client, connects to the real server, and runs a full SecureChat session with each side using
    /// its own keys (the engine's own Link and SecureSession), relaying chat from one to the other.
    /// </summary>
    private sealed class MitmRelay : IAsyncDisposable
    {
        private readonly Socket _listener;
        private readonly Task _run;
        private Link? _towardClient;
        private Link? _towardServer;

        private MitmRelay(Socket listener, int serverPort, byte[] passphrase)
        {
            _listener = listener;
            Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
            _run = Task.Run(() => RelayAsync(serverPort, passphrase));
        }

        public int Port { get; }

        /// <summary>The relay's link to the real server is secure (it can relay the victim's chat).</summary>
        public bool UpstreamSecure => Volatile.Read(ref _towardServer) is { Stage: SessionStage.Secure };

        public List<string> Intercepted { get; } = [];

        /// <summary>The relay's own long-term identity (it cannot sign as the server).</summary>
        public EphemeralSigner Identity { get; } = new();

        public static MitmRelay Start(int serverPort, byte[] passphrase)
        {
            var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(1);
            return new MitmRelay(listener, serverPort, passphrase);
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Dispose();
            await _run.WaitAsync(s_wait);
            if (_towardClient is not null)
            {
                await _towardClient.CloseAsync().WaitAsync(s_wait);
            }

            if (_towardServer is not null)
            {
                await _towardServer.CloseAsync().WaitAsync(s_wait);
            }
        }

        private async Task RelayAsync(int serverPort, byte[] passphrase)
        {
            Socket victim;
            try
            {
                victim = await _listener.AcceptAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }

            var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await upstream.ConnectAsync(IPAddress.Loopback, serverPort);
            var options = new ChatOptions { Passphrase = passphrase, Identity = Identity };
            _towardServer = new Link(2, upstream, SessionSettingsFactory.Create(options, SessionRole.Client, "mallory", null), options, null, (_, e) => OnEvent(e, () => _towardClient), "Server");
            _towardClient = new Link(1, victim, SessionSettingsFactory.Create(options, SessionRole.Server, "mallory", null), options, null, (_, e) => OnEvent(e, () => _towardServer), "Client");
            _towardServer.Start();
            _towardClient.Start();
        }

        private void OnEvent(SessionEvent e, Func<Link?> other)
        {
            switch (e)
            {
                case MessageReceivedEvent m:
                    lock (Intercepted)
                    {
                        Intercepted.Add(m.Text);
                    }

                    if (m.SenderDigest is null)
                    {
                        other()?.RunIfSecure(c => c.SendChat(m.Room, m.Text)); // the victim's Chat, passed on as the relay's own
                    }
                    else
                    {
                        other()?.TryRelayChat(m.Room, m.SenderDigest, m.Sender, m.Text); // the hub's Relay, passed on to the victim
                    }

                    break;
                case PeerNamedEvent n:
                    other()?.RunIfSecure(c => c.SendNick(n.Name));
                    break;
            }
        }
    }
}
