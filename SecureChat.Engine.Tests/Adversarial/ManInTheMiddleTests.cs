using SecureChat.Engine.Chat;
using System.Net;
using System.Net.Sockets;
using System.Text;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Session;
using SecureChat.Engine.Tests.Support;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// A man in the middle who runs his own Diffie-Hellman with each side and passes on what he can between them.
/// Without a passphrase both handshakes succeed but the two sides' fingerprints and SAS differ, so comparing them
/// out of band exposes him (the texts themselves travel in MLS groups bound to the members' identity keys, which he
/// cannot read: RoomGroupAttackTests); with a passphrase he cannot complete key confirmation and both sides fail
/// saying so.
/// </summary>
public sealed class ManInTheMiddleTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Without_a_passphrase_the_relay_completes_both_handshakes_but_the_fingerprints_and_sas_differ()
    {
        await using LiveServer live = LiveServer.Start();
        var serverView = new TaskCompletionSource<PeerInfo>(TaskCreationOptions.RunContinuationsAsynchronously);
        live.Server.Established += p => serverView.TrySetResult(p);
        await using var mitm = MitmRelay.Start(live.Port, passphrase: []);
        await using var client = new ChatClient(new ChatOptions { Name = "alice" });

        await client.ConnectAsync("127.0.0.1", mitm.Port).WaitAsync(s_wait);
        PeerInfo atServer = await serverView.Task.WaitAsync(s_wait);

        // The server is secure once it verifies the relay's ClientAuth; the relay's side of that link only once the
        // server's next record opens (PROTOCOL.md 3.7).
        await Eventually.True(() => mitm.UpstreamSecure, "the relay's own link to the server");
        client.ChangeName("alice2");
        await Eventually.True(() => live.Server.Peers.Any(p => p.Name == "alice2"), "the rename, passed on by the relay");

        mitm.Intercepted.ShouldContain("alice2", "the relay reads what the link layer carries: only the fingerprint comparison exposes it");
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
    /// its own keys (the engine's own Link and SecureSession), passing renames from one to the other.
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
            _towardServer = new Link(2, upstream, SessionSettingsFactory.Create(options, SessionRole.Client, "mallory", null), new LinkContext(options), (_, e) => OnEvent(e, () => _towardClient), "Server");
            _towardClient = new Link(1, victim, SessionSettingsFactory.Create(options, SessionRole.Server, "mallory", null), new LinkContext(options), (_, e) => OnEvent(e, () => _towardServer), "Client");
            // Group records carry MLS messages bound to the victim's identity key, which the relay can neither read nor
            // pass on as its own: it keeps them.
            _towardClient.HubRecords = new GroupRecordRecorder();
            _towardServer.MemberRecords = new GroupRecordRecorder();
            _towardServer.Start();
            _towardClient.Start();
        }

        private void OnEvent(SessionEvent e, Func<Link?> other)
        {
            switch (e)
            {
                case PeerNamedEvent n:
                    lock (Intercepted)
                    {
                        Intercepted.Add(n.Name);
                    }

                    other()?.RunIfSecure(c => c.SendNick(n.Name)); // the victim's rename, passed on as the relay's own
                    break;
            }
        }
    }
}
