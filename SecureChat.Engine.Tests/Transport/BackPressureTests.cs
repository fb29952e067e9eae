using System.Globalization;
using System.Threading.Channels;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Groups;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Tests.Hub.Groups;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Transport;

/// <summary>
/// Back pressure over real TCP on 127.0.0.1, with small limits so it runs fast (SECURITY.md, "Memory"; PROTOCOL.md section 8): a hub
/// drops a member of #lobby's MLS group whose backlog of GroupRelays passes <see cref="ChatOptions.PeerOutput"/> as too
/// slow while the others keep working, and a client's send waits while more than
/// <see cref="ChatOptions.SendBufferLimit"/> is unsent. Every wait is bounded; no assertion depends on how fast the
/// machine is.
/// </summary>
public sealed class BackPressureTests
{
    private const int RelayLimit = 64 * 1024;
    private const int SendLimit = 16 * 1024;

    /// <summary>Bound on the traffic a flood may take before the behaviour under test must have shown.</summary>
    private const long FloodBytesMax = 64L << 20;

    private static readonly GroupTarget s_lobby = GroupTarget.ForRoom(ChatEndpoint.Lobby);

    /// <summary>Generous bound on each wait: machines are shared and noisy.</summary>
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_hub_peer_that_stops_reading_is_dropped_as_too_slow_once_its_backlog_passes_the_relay_limit_while_an_honest_peer_keeps_receiving()
    {
        await using HubWithSlowPeer hub = await HubWithSlowPeer.StartAsync();
        (LiveServer live, ChatClient honest, LiveGroupMember slow, Channel<string> honestInbox) = (hub.Live, hub.Honest, hub.Slow, hub.HonestInbox);
        int slowPort = slow.Raw.LocalPort;

        // Under the limit: less than RelayLimit of GroupRelays in all is never a backlog past it, however little of it
        // the kernel took.
        long relayed = 0;
        for (int i = 0; ; i++)
        {
            string text = $"small {i} " + new string('s', 1000);
            if (relayed + hub.RelayBytes(text) > RelayLimit - 1024)
            {
                break;
            }

            (await BroadcastToHonestAsync(live, honestInbox, text)).ShouldBe(2, "the honest and the slow peer are #lobby's other members");
            relayed += hub.RelayBytes(text);
        }

        live.HasFailureFor(slowPort).ShouldBeFalse($"dropped after only {relayed} bytes in all");
        PeerAt(live, slowPort)!.Stage.ShouldBe(SessionStage.Secure, $"still secure after {relayed} bytes in all");

        // Past the limit: the kernel's buffers fill, then the backlog grows until the hub drops the peer.
        relayed += await FloodUntilDroppedAsync(hub);
        relayed.ShouldBeGreaterThanOrEqualTo(RelayLimit, "a backlog past the limit needs at least that much traffic");
        SessionFailure failure = await live.FailureFor(slowPort, s_wait);
        failure.Reason.ShouldBe(FailureReason.PeerTooSlow);
        failure.Message.ShouldContain("the peer is not reading its messages");
        live.Failures.Count.ShouldBe(1, "only the slow peer fails");

        // After the drop: every message still reaches the honest peer, in order; the dropped peer is away, still a
        // member of the room until it comes back or is removed (PROTOCOL.md 4.8).
        for (int i = 0; i < 50; i++)
        {
            (await BroadcastToHonestAsync(live, honestInbox, $"after the drop {i}")).ShouldBe(2);
        }

        honest.Server!.Stage.ShouldBe(SessionStage.Secure);
        live.Failures.Count.ShouldBe(1, "only the slow peer fails");
        await live.ShouldStillServeAnHonestClient(s_wait);
    }

    [Fact]
    public async Task A_peer_dropped_as_too_slow_is_released_from_the_hub_within_seconds_even_while_it_keeps_its_connection_open()
    {
        await using HubWithSlowPeer hub = await HubWithSlowPeer.StartAsync();
        (LiveServer live, int slowPort) = (hub.Live, hub.Slow.Raw.LocalPort);

        await FloodUntilDroppedAsync(hub);
        (await live.FailureFor(slowPort, s_wait)).Reason.ShouldBe(FailureReason.PeerTooSlow);

        // The peer neither reads nor closes; the hub must still let go of its socket and backlog (the linger after
        // a session ends is 2 s; 15 s leaves room for a slow machine).
        await Eventually.True(() => PeerAt(live, slowPort) is null, "the dropped peer to leave server.Peers", TimeSpan.FromSeconds(15));
        live.Server.Peers.ShouldHaveSingleItem().Name.ShouldBe("honest");
    }

    [Fact]
    public async Task A_send_waits_while_more_than_the_send_buffer_limit_is_unsent_and_completes_once_the_server_reads_again()
    {
        await using LiveServer live = LiveServer.Start(new ChatOptions { Name = "hub" });
        await using var tap = TcpTap.Start(live.Port, clientReceiveBufferSize: 4096);
        await using var client = new ChatClient(new ChatOptions { Name = "sender", SendBufferLimit = SendLimit });
        await client.ConnectAsync("127.0.0.1", tap.Port).WaitAsync(s_wait);
        await LobbyGroup.InOneEpochAsync(client); // added by the operator, who reads the texts
        tap.HoldClient(); // the hub reads nothing more of the client's: its bytes back up in the client's socket

        using var cancel = new CancellationTokenSource(s_wait * 2);
        string filler = new('m', 4000);
        int sent = 0;
        long sentBytes = 0;
        Task? waiting = null;
        try
        {
            while (waiting is null)
            {
                sentBytes.ShouldBeLessThan(FloodBytesMax, "a send never waited although the server stopped reading");
                Task send = client.SendAsync($"{sent} {filler}", cancel.Token).AsTask();

                // A send with room returns at once; one still open after 500 ms is waiting for room.
                if (send.IsCompleted || await Task.WhenAny(send, Task.Delay(TimeSpan.FromMilliseconds(500))) == send)
                {
                    await send;
                    sent++;
                    sentBytes += filler.Length;
                }
                else
                {
                    waiting = send;
                }
            }

            sentBytes.ShouldBeGreaterThanOrEqualTo(SendLimit, "no send may wait before the limit is unsent");
            waiting.IsCompleted.ShouldBeFalse();

            tap.ReleaseClient();
            await waiting.WaitAsync(s_wait);
            waiting.IsCompletedSuccessfully.ShouldBeTrue();
            sent++;

            await client.SendAsync("after draining", cancel.Token).AsTask().WaitAsync(s_wait);
            await Eventually.True(() => live.Messages.Count == sent + 1, $"all {sent + 1} messages to reach the operator in #lobby's group", s_wait);
            string[] texts = [.. live.Messages.Select(m => m.Text)];
            texts.Take(sent).Select(t => t[..t.IndexOf(' ', StringComparison.Ordinal)])
                .ShouldBe(Enumerable.Range(0, sent).Select(i => i.ToString(CultureInfo.InvariantCulture)), "in order, none lost");
            texts.Last().ShouldBe("after draining");
        }
        finally
        {
            // Nothing may hang past the test: a send still waiting is cancelled.
            tap.ReleaseClient();
            await cancel.CancelAsync();
            if (waiting is { IsCompleted: false })
            {
                await Should.ThrowAsync<OperationCanceledException>(waiting.WaitAsync(s_wait));
            }
        }
    }

    /// <summary>The operator broadcasts <paramref name="text"/>; returns #lobby's other members, once the honest peer has it.</summary>
    private static async Task<int> BroadcastToHonestAsync(LiveServer live, Channel<string> honestInbox, string text)
    {
        int members = live.Server.Broadcast(text);
        string received = await honestInbox.Reader.ReadAsync().AsTask().WaitAsync(s_wait);
        received.ShouldBe(text, "the honest peer gets every message, in order");
        return members;
    }

    /// <summary>
    /// Broadcasts the largest messages one at a time, each awaited by the honest peer (so its own backlog stays at
    /// one message), until the hub has dropped the slow peer; returns the bytes of GroupRelays relayed to it before.
    /// </summary>
    private static async Task<long> FloodUntilDroppedAsync(HubWithSlowPeer hub)
    {
        string filler = new('f', ChatOptions.MaxMessageBytes - 32);
        long relayed = 0;
        for (int i = 0; !hub.Live.HasFailureFor(hub.Slow.Raw.LocalPort); i++)
        {
            relayed.ShouldBeLessThan(FloodBytesMax, "the slow peer was never dropped");
            string text = $"flood {i} {filler}";
            (await BroadcastToHonestAsync(hub.Live, hub.HonestInbox, text)).ShouldBe(2);
            relayed += hub.RelayBytes(text);
        }

        return relayed;
    }

    private static PeerInfo? PeerAt(LiveServer live, int port) => live.Server.Peers.FirstOrDefault(p => LiveServer.PortOf(p) == port);

    /// <summary>
    /// A hub with an honest client and a raw member of #lobby's MLS group (it publishes key packages, is added and
    /// joins by the Welcome) that then never reads again.
    /// </summary>
    private sealed class HubWithSlowPeer : IAsyncDisposable
    {
        private readonly Dictionary<int, long> _relayBytes = [];

        private HubWithSlowPeer(LiveServer live, ChatClient honest, Channel<string> honestInbox)
        {
            Live = live;
            Honest = honest;
            HonestInbox = honestInbox;
        }

        public LiveServer Live { get; }

        public ChatClient Honest { get; }

        public Channel<string> HonestInbox { get; }

        public LiveGroupMember Slow { get; private set; } = null!;

        public static async Task<HubWithSlowPeer> StartAsync()
        {
            LiveServer live = LiveServer.Start(new ChatOptions { PeerOutput = RelayLimit });
            Channel<string> inbox = Channel.CreateUnbounded<string>();
            var honest = new ChatClient(new ChatOptions { Name = "honest" });
            honest.MessageReceived += m => inbox.Writer.TryWrite(m.Text);
            var hub = new HubWithSlowPeer(live, honest, inbox);
            await honest.ConnectAsync("127.0.0.1", live.Port).WaitAsync(s_wait);
            await LobbyGroup.InOneEpochAsync(honest);

            hub.Slow = await LiveGroupMember.ConnectAsync(live.Port, "slow").WaitAsync(s_wait);
            await hub.Slow.UntilAsync(m => m.Count<WelcomeRelayRecord>(s_lobby) == 1).WaitAsync(s_wait);
            hub.Slow.Keys.Join(hub.Slow.Last<WelcomeRelayRecord>(s_lobby).Mls);
            ulong epoch = hub.Slow.Keys.State!.Epoch;
            await Eventually.True(
                () => honest.GroupOf(s_lobby) is { Status: MemberGroupStatus.Member } g && g.Epoch == epoch,
                "the honest peer at the epoch that added the slow peer",
                s_wait);

            // What came with the join is read; from now on nothing is.
            await hub.Slow.Raw.PumpUntilAsync(() => false, TimeSpan.FromMilliseconds(300)).ContinueWith(_ => { }, TaskScheduler.Default);
            PeerAt(live, hub.Slow.Raw.LocalPort)?.IsSecure.ShouldBe(true, "the server sees the slow peer secure");
            return hub;
        }

        /// <summary>
        /// Bytes on the wire of the GroupRelay (with its Parts) that carries the operator's <paramref name="text"/>:
        /// each record's header, IV, padded ciphertext and tag, around a PrivateMessage of this group for a text that long.
        /// </summary>
        public long RelayBytes(string text)
        {
            int length = System.Text.Encoding.UTF8.GetByteCount(text);
            if (!_relayBytes.TryGetValue(length, out long bytes))
            {
                byte[] mls = Slow.Keys.Message(text); // the slow peer never sends: its own ratchet is free to measure with
                var relay = new GroupRelayRecord(s_lobby, new byte[IdentityFingerprint.DigestSize], Live.Server.Name, mls);
                bytes = relay.Write().Sum(f => (long)WireFormat.FrameHeaderSize + RecordProtector.SealedSize(f.Plaintext.Length));
                _relayBytes[length] = bytes;
            }

            return bytes;
        }

        public async ValueTask DisposeAsync()
        {
            if (Slow is not null)
            {
                await Slow.DisposeAsync();
            }

            await Honest.DisposeAsync();
            await Live.DisposeAsync();
        }
    }
}
