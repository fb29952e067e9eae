using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Groups;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// A man in the middle of the link who runs his own Diffie-Hellman with each side and relays the hub's records between
/// them, group records included. Without a passphrase the handshake succeeds but the two sides' fingerprints and SAS
/// differ, so comparing them out of band exposes him; he learns the names and rooms he relays (PROTOCOL.md 4.2), but no
/// text: the groups are between identity keys (4.8), the hub keeps only key packages of the link's own identity, so the
/// victim's are refused on his link, the victim is never added to a group he relays, and its text never leaves it. With a
/// passphrase he cannot complete key confirmation and both sides fail saying so.
/// </summary>
public sealed class ManInTheMiddleTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);
    private static readonly GroupTarget s_lobby = GroupTarget.ForRoom("#lobby");

    [Fact]
    public async Task Without_a_passphrase_the_relay_learns_names_and_rooms_but_no_text_and_the_fingerprints_and_sas_differ()
    {
        await using LiveServer live = LiveServer.Start();
        var serverView = new TaskCompletionSource<PeerInfo>(TaskCreationOptions.RunContinuationsAsynchronously);
        live.Server.Established += p => serverView.TrySetResult(p);
        await using var mitm = MitmRelay.Start(live.Port, passphrase: []);
        await using var client = new ChatClient(new ChatOptions { Name = "alice" });

        await client.ConnectAsync("127.0.0.1", mitm.Port).WaitAsync(s_wait);
        PeerInfo atServer = await serverView.Task.WaitAsync(s_wait);
        await Eventually.True(() => mitm.UpstreamSecure, "the relay's own link to the server");
        await client.SendAsync("#lobby", "secret plans");

        // The relay passed the victim's name up and the hub's answers down: the victim was named, entered #lobby and
        // offered its key packages, which the relay passed on as they were; the hub refused them on the relay's link.
        await Eventually.True(
            () => mitm.Refusals.Any(r => r.Code == ReplyCode.BadKeyPackage && r.Text.Contains("not the link's identity key", StringComparison.Ordinal)),
            "the hub to refuse the victim's key packages on the relay's link as not of the link's identity",
            s_wait);
        await Eventually.True(() => live.Server.Peers.Any(p => p.Name == "alice"), "the victim's name at the hub", s_wait);
        mitm.Learned.ShouldContain("name alice", "the relay learns the victim's name");
        mitm.Learned.ShouldContain("room #lobby", "the relay learns the victim's rooms");
        mitm.PassedUp.ShouldContain(FrameType.KeyPackages);

        // The operator's text goes to #lobby's group, which neither the victim nor the relay is in; the victim's waits.
        await live.Server.SendAsync("operator plans");
        await using var honest = new ChatClient(new ChatOptions { Name = "bob" });
        await honest.ConnectAsync("127.0.0.1", live.Port).WaitAsync(s_wait);
        await honest.SendAsync("#lobby", "bob is here");
        await Eventually.True(() => live.CountMessages("bob is here") == 1, "an honest member's text through #lobby's group", s_wait);

        client.GroupOf(s_lobby).Status.ShouldNotBe(MemberGroupStatus.Member, "the victim is never added to a group through the relay");
        live.CountMessages("secret plans").ShouldBe(0, "the victim's text never reaches the hub's operator");
        mitm.PassedUp.ShouldNotContain(FrameType.GroupMessage);
        mitm.PassedDown.ShouldNotContain(FrameType.GroupRelay);
        mitm.PassedDown.ShouldNotContain(FrameType.WelcomeRelay);
        foreach (string text in new[] { "secret plans", "operator plans", "bob is here" })
        {
            mitm.Saw(Encoding.UTF8.GetBytes(text)).ShouldBeFalse($"'{text}' in what the relay opened");
        }

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
        mitm.Learned.ShouldBeEmpty();
        mitm.PassedUp.ShouldBeEmpty();
    }

    /// <summary>
    /// Accepts one client, connects to the real server, and runs a full SecureChat session with each side using
    /// its own keys (the engine's own Link and SecureSession), relaying the victim's requests and group records up and
    /// the hub's presence, room and group records down, and keeping what it opened.
    /// </summary>
    private sealed class MitmRelay : IAsyncDisposable, IHubGroupRecords, IMemberGroupRecords
    {
        private readonly Socket _listener;
        private readonly Task _run;
        private readonly List<byte[]> _opened = [];
        private Link? _towardClient;
        private Link? _towardServer;

        private MitmRelay(Socket listener, int serverPort, byte[] passphrase)
        {
            _listener = listener;
            Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
            _run = Task.Run(() => RelayAsync(serverPort, passphrase));
        }

        public int Port { get; }

        /// <summary>The relay's link to the real server is secure (it can relay the victim's records).</summary>
        public bool UpstreamSecure => Volatile.Read(ref _towardServer) is { Stage: SessionStage.Secure };

        /// <summary>What the relay learned of people and rooms ("name x", "room #r").</summary>
        public ConcurrentQueue<string> Learned { get; } = new();

        /// <summary>The group records it passed from the victim to the hub, and from the hub to the victim.</summary>
        public ConcurrentQueue<FrameType> PassedUp { get; } = new();

        public ConcurrentQueue<FrameType> PassedDown { get; } = new();

        /// <summary>The hub's Replies on the relay's link.</summary>
        public ConcurrentQueue<(ReplyCode Code, string Text)> Refusals { get; } = new();

        /// <summary>The relay's own long-term identity (it cannot sign as the server).</summary>
        public EphemeralSigner Identity { get; } = new();

        public static MitmRelay Start(int serverPort, byte[] passphrase)
        {
            var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(1);
            return new MitmRelay(listener, serverPort, passphrase);
        }

        /// <summary>Whether <paramref name="bytes"/> occur in any group record the relay opened and passed on.</summary>
        public bool Saw(byte[] bytes)
        {
            lock (_opened)
            {
                return _opened.Any(o => o.AsSpan().IndexOf(bytes) >= 0);
            }
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

        public void KeyPackagesReceived(KeyPackagesRecord record) =>
            Up(FrameType.KeyPackages, [.. record.KeyPackages], g => g.SendKeyPackages(record.KeyPackages, record.LastResort));

        public void GroupCommitReceived(GroupCommitRecord record) =>
            Up(FrameType.GroupCommit, [record.Commit, record.Welcome], g => g.SendGroupCommit(record.Target, record.Commit, record.Welcome));

        public void GroupMessageReceived(GroupMessageRecord record) =>
            Up(FrameType.GroupMessage, [record.Mls], g => g.SendGroupMessage(record.Target, record.Mls));

        public void GroupTaskReceived(GroupTaskRecord record) =>
            Down(FrameType.GroupTask, [], g => g.SendGroupTask(record.Target, record.GroupId, record.Epoch, record.Removals, record.Joiners));

        public void CommitResultReceived(CommitResultRecord record) =>
            Down(FrameType.CommitResult, [], g => g.SendCommitResult(record.Target, record.Status, record.GroupId, record.Epoch));

        public void CommitRelayReceived(CommitRelayRecord record) =>
            Down(FrameType.CommitRelay, [record.Mls], g => g.SendCommitRelay(record.Target, record.Digest, record.Name, record.Mls));

        public void WelcomeRelayReceived(WelcomeRelayRecord record) =>
            Down(FrameType.WelcomeRelay, [record.Mls], g => g.SendWelcomeRelay(record.Target, record.Digest, record.Name, record.Mls));

        public void GroupRelayReceived(GroupRelayRecord record) =>
            Down(FrameType.GroupRelay, [record.Mls], g => g.SendGroupRelay(record.Target, record.Digest, record.Name, record.Mls));

        public void KeyPackageRelayReceived(KeyPackageRelayRecord record) =>
            Down(FrameType.KeyPackageRelay, [record.Mls], g => g.SendKeyPackageRelay(record.Digest, record.Name, record.Mls));

        private void Up(FrameType type, byte[][] opened, Action<GroupRecordSender> send)
        {
            Keep(opened);
            PassedUp.Enqueue(type);
            _towardServer?.RunIfSecure(c => send(c.Groups));
        }

        private void Down(FrameType type, byte[][] opened, Action<GroupRecordSender> send)
        {
            Keep(opened);
            PassedDown.Enqueue(type);
            _towardClient?.RunIfSecure(c => send(c.Groups));
        }

        private void Keep(byte[][] opened)
        {
            lock (_opened)
            {
                _opened.AddRange(opened);
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
            _towardServer = new Link(2, upstream, SessionSettingsFactory.Create(options, SessionRole.Client, "mallory", null), new LinkContext(options), (_, e) => FromServer(e), "Server");
            _towardClient = new Link(1, victim, SessionSettingsFactory.Create(options, SessionRole.Server, "mallory", null), new LinkContext(options), (_, e) => FromClient(e), "Client");
            _towardServer.MemberRecords = this;
            _towardClient.HubRecords = this;
            _towardServer.Start();
            _towardClient.Start();
        }

        private void FromClient(SessionEvent e)
        {
            switch (e)
            {
                case EstablishedEvent established:
                    // The victim's name came in its ClientAuth to the relay; the relay's own went to the hub at once, so
                    // it renames itself after the victim once its own link is secure.
                    _ = Task.Run(() => NameAfterVictimAsync(established.Peer.Name));
                    break;
                case PeerNamedEvent n:
                    Learned.Enqueue("name " + n.Name);
                    _towardServer?.RunIfSecure(c => c.SendNick(n.Name));
                    break;
                case RoomRequestEvent r:
                    Learned.Enqueue("room " + r.Room);
                    _towardServer?.RunIfSecure(c => c.SendRequest(r.Op, r.Room, r.Name, r.Text));
                    break;
            }
        }

        private async Task NameAfterVictimAsync(string name)
        {
            Learned.Enqueue("name " + name);
            await Eventually.True(() => UpstreamSecure, "the relay's own link to the server", s_wait);
            _towardServer!.RunIfSecure(c => c.SendNick(name));
        }

        private void FromServer(SessionEvent e)
        {
            switch (e)
            {
                case PresenceEvent p:
                    Learned.Enqueue("name " + p.Name);
                    _towardClient?.RunIfSecure(c => c.SendPresence(p.Kind, p.Room, p.Digest, p.Name, p.Flags, p.Text));
                    break;
                case RoomInfoEvent i:
                    Learned.Enqueue("room " + i.Room);
                    _towardClient?.RunIfSecure(c => c.SendRoomInfo(i.Kind, i.Room, i.Flags, i.Members, i.Topic, i.GroupId));
                    break;
                case ReplyEvent r:
                    Refusals.Enqueue((r.Code, r.Text));
                    _towardClient?.RunIfSecure(c => c.SendReply(r.Code, r.Op, r.Room, r.Digest, r.Name, r.Text));
                    break;
            }
        }
    }
}
