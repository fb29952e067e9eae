using System.Collections.Concurrent;
using SecureChat.Engine.Protocol;
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

    [Fact]
    public async Task Messages_the_hub_sent_that_a_client_never_processed_are_reported_by_count_when_it_closes()
    {
        await using LiveServer live = LiveServer.Start();
        await using RawClient peer = await RawClient.ConnectAsync(live.Port);
        (await peer.HandshakeAsync()).ShouldBeTrue();
        await Eventually.True(() => live.Server.SecurePeerCount == 1, "the hub to confirm the peer's keys", s_read);

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
        (await peer.HandshakeAsync()).ShouldBeTrue();
        await connecting.WaitAsync(s_read);
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
    /// messages (Chat or Relay records), then reads but never opens the rest, until <paramref name="of"/> messages
    /// have arrived in all. Returns how many were opened and how many were dropped.
    /// </summary>
    private static async Task<(int Opened, int Dropped)> OpenSomeDropTheRestAsync(RawClient peer, int open, int of)
    {
        int opened = 0;
        int dropped = 0;
        while (opened + dropped < of)
        {
            byte[] frame = (await peer.ReadFrameAsync(s_read)).ShouldNotBeNull("the sender closed early");
            bool message = frame[0] is (byte)FrameType.Chat or (byte)FrameType.Relay;
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
