using System.Collections.Concurrent;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Groups;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Tests.Hub.Groups;
using SecureChat.Engine.Tests.Support;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// Records cut off before they reached the peer's session are reported to their sender, live on 127.0.0.1
/// (PROTOCOL.md 6: the sealed Close carries how many records its sender opened, and the other side reports the chat
/// messages it sealed at or above that number as lost; <see cref="ChatEndpoint.MessagesLost"/>). What an attacker on
/// the path can do to a stream of records without the keys is to cut its tail and let the Close through (anything
/// else fails the MAC at the next record); the raw peer here does exactly that to its own session: it opens the first
/// messages, never processes the rest, and closes.
/// </summary>
public sealed class LostMessageTests
{
    private static readonly TimeSpan s_read = TimeSpan.FromSeconds(10);
    private static readonly GroupTarget s_lobby = GroupTarget.ForRoom("#lobby");

    [Fact]
    public async Task Messages_the_hub_sent_that_a_client_never_processed_are_reported_by_count_when_it_closes()
    {
        await using LiveServer live = LiveServer.Start();
        var keys = new DsMember("peer");
        await using RawClient peer = await RawClient.ConnectAsync(live.Port, new SessionSettings { Role = SessionRole.Client, Identity = new SeededSigner(keys.SignaturePrivateKey), Name = "peer" });
        var records = new GroupRecordRecorder();
        peer.Chat.MemberRecords = records;
        (await peer.HandshakeAsync()).ShouldBeTrue();
        await Eventually.True(() => live.Server.SecurePeerCount == 1, "the hub to confirm the peer's keys", s_read);

        // The operator's texts reach the peer only once it is in #lobby's group: it publishes a key package, joins by
        // the operator's Welcome, and its own text, read by the operator, shows both at the same epoch.
        byte[] keyPackage = keys.NewKeyPackage(TimeProvider.System);
        await peer.SendAsync(peer.ProduceChat(c => c.Groups.SendKeyPackages([keyPackage], lastResort: true)));
        int delivered = 0;
        await peer.PumpUntilAsync(
            () =>
            {
                foreach (GroupRecordEvent e in peer.Events.OfType<GroupRecordEvent>().Skip(delivered).ToList())
                {
                    e.Deliver();
                    delivered++;
                }

                return records.Of<WelcomeRelayRecord>().Any(w => w.Target == s_lobby);
            },
            s_read);
        keys.Join(records.Of<WelcomeRelayRecord>().Single(w => w.Target == s_lobby).Mls, keyPackage);
        await peer.SendAsync(peer.ProduceChat(c => c.Groups.SendGroupMessage(s_lobby, keys.Message("peer ready"))));
        await Eventually.True(() => live.CountMessages("peer ready") == 1, "the peer to be in #lobby's group with the operator", s_read);

        for (int i = 1; i <= 5; i++)
        {
            await live.Server.SendAsync($"message {i}");
        }

        (int opened, int dropped) = await OpenSomeDropTheRestAsync(peer, open: 2, of: 5);
        await peer.SendAsync(peer.Produce(s => s.Close()));

        await Eventually.True(() => live.Lost.Any(l => LiveServer.PortOf(l.Peer) == peer.LocalPort), "the hub to report lost messages", s_read);
        int lost = live.Lost.Single(l => LiveServer.PortOf(l.Peer) == peer.LocalPort).Count;
        TestContext.Current.TestOutputHelper?.WriteLine($"the peer opened {opened} messages and dropped {dropped}; the hub reported {lost} lost");
        lost.ShouldBe(3);
        await Eventually.True(() => live.Closes.Any(c => LiveServer.PortOf(c.Peer) == peer.LocalPort && c.ByPeer), "the hub to see the peer close", s_read);
        live.HasFailureFor(peer.LocalPort).ShouldBeFalse();
    }

    [Fact]
    public async Task Messages_a_client_sent_that_the_server_never_processed_are_reported_by_count_when_it_closes()
    {
        using RawServer server = RawServer.Listen();
        await using var client = new ChatClient(new ChatOptions { Name = "sender" });
        var lost = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var closes = new ConcurrentQueue<bool>();
        client.MessagesLost += (_, count) => lost.TrySetResult(count);
        client.Closed += (_, byPeer) => closes.Enqueue(byPeer);

        Task connecting = client.ConnectAsync("127.0.0.1", server.Port);
        await using RawClient peer = await server.AcceptAsync();
        peer.Chat.HubRecords = new GroupRecordRecorder();
        (await peer.HandshakeAsync()).ShouldBeTrue();
        await connecting.WaitAsync(s_read);

        // The raw hub makes the client the founder of #lobby's group, so its texts go out as GroupMessages at once.
        await peer.SendAsync(peer.ProduceChat(c => c.SendRoomInfo(RoomInfoKind.Entered, "#lobby", RoomInfoRecord.FlagFounder, 1, string.Empty, [.. Enumerable.Repeat((byte)0x4C, WireFormat.GroupIdSize)])));
        await Eventually.True(() => client.GroupOf(s_lobby).Status == MemberGroupStatus.Member, "the client to found #lobby's group", s_read);
        for (int i = 1; i <= 5; i++)
        {
            await client.SendAsync($"message {i}");
        }

        (int opened, int dropped) = await OpenSomeDropTheRestAsync(peer, open: 2, of: 5);
        await peer.SendAsync(peer.Produce(s => s.Close()));

        int reported = await lost.Task.WaitAsync(s_read);
        TestContext.Current.TestOutputHelper?.WriteLine($"the server opened {opened} messages and dropped {dropped}; the client reported {reported} lost");
        reported.ShouldBe(3);
        await Eventually.True(() => closes.Contains(true), "the client to see the server close", s_read);
    }

    /// <summary>
    /// Reads the other side's frames: opens everything up to and including the first <paramref name="open"/> chat
    /// messages (GroupMessage or GroupRelay records), then reads but never opens the rest, until <paramref name="of"/> messages
    /// have arrived in all. Returns how many were opened and how many were dropped.
    /// </summary>
    private static async Task<(int Opened, int Dropped)> OpenSomeDropTheRestAsync(RawClient peer, int open, int of)
    {
        int opened = 0;
        int dropped = 0;
        while (opened + dropped < of)
        {
            byte[] frame = (await peer.ReadFrameAsync(s_read)).ShouldNotBeNull("the sender closed early");
            bool message = frame[0] is (byte)FrameType.GroupMessage or (byte)FrameType.GroupRelay;
            if (opened < open)
            {
                peer.Session.Receive(frame);
                peer.Session.IsSecure.ShouldBeTrue(peer.Session.Failure?.Message);
                opened += message ? 1 : 0;
            }
            else
            {
                dropped += message ? 1 : 0;
            }
        }

        return (opened, dropped);
    }
}
