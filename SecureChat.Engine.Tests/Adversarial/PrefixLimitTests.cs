using System.Net;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// Per-source limits count a source prefix (a /24 for IPv4, a /64 for IPv6) as one source: one machine, NAT pool or
/// botnet range easily holds many addresses of one prefix. Attackers bind many addresses of 127.0.N.0/24 (Linux
/// routes all of 127/8 to lo); the honest <see cref="ChatClient"/> connects from 127.0.0.1, another prefix.
/// </summary>
[Collection(HeavyCollection.Name)]
public sealed class PrefixLimitTests
{
    private static readonly TimeSpan s_read = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Handshakes_in_progress_from_many_addresses_of_one_slash_24_count_against_one_limit()
    {
        await using LiveServer live = LiveServer.Start(
            new ChatOptions { HandshakeStepTimeout = TimeSpan.FromMinutes(5), HandshakeTimeout = TimeSpan.FromMinutes(5) }, sourceLimits: true);
        int limit = new ChatOptions().HandshakesPerSource;
        var stalled = new List<RawClient>();
        int admitted = 0;
        try
        {
            for (int i = 0; i < limit + 4; i++)
            {
                RawClient raw = await RawClient.ConnectAsync(live.Port, from: IPAddress.Parse($"127.0.60.{10 + i}"));
                stalled.Add(raw);
                await raw.SendAsync(HelloFrame());
                byte[] first = (await raw.ReadFrameAsync(s_read)).ShouldNotBeNull($"connection {i + 1} got no answer");
                if (first[0] == (byte)FrameType.ServerHello)
                {
                    admitted++;
                }
                else
                {
                    first[0].ShouldBe((byte)FrameType.Alert, $"connection {i + 1}");
                    AlertMessage.TryParse(first.AsSpan(WireFormat.FrameHeaderSize), out AlertMessage alert).ShouldBeTrue();
                    alert.Code.ShouldBe(AlertCode.RateLimited, $"connection {i + 1}");
                }
            }

            TestContext.Current.TestOutputHelper?.WriteLine($"{limit + 4} addresses of 127.0.60.0/24 each opened one handshake: {admitted} admitted (limit per source {limit})");
            admitted.ShouldBe(limit);
            await live.ShouldStillServeAnHonestClient();
        }
        finally
        {
            foreach (RawClient raw in stalled)
            {
                await raw.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// One prefix tries to hold every peer slot of a hub (80 here, so the test stays short) with secure sessions made
    /// from many of its addresses, each a full, honest handshake: the cost to an attacker is only CPU. The hub must
    /// keep the rest for other sources: at most the per-source peer cap from one prefix, the rest refused as rate
    /// limited, and a client from another prefix still gets in.
    /// </summary>
    [Fact]
    public async Task Secure_peers_from_one_slash_24_cannot_take_every_peer_slot()
    {
        const int slots = 80;
        await using LiveServer live = LiveServer.Start(new ChatOptions { MaxPeers = slots, Puzzle = PuzzleMode.Never }, sourceLimits: true);
        var held = new List<RawClient>();
        var refusals = new List<string>();
        try
        {
            for (int i = 0; i < slots; i++)
            {
                RawClient raw = await RawClient.ConnectAsync(live.Port, from: IPAddress.Parse($"127.0.61.{10 + i}"));
                if (await raw.HandshakeAsync())
                {
                    held.Add(raw);
                }
                else
                {
                    refusals.Add(raw.Session.Failure?.Reason.ToString() ?? "none");
                    await raw.DisposeAsync();
                }
            }

            string figures = $"{slots} handshakes from 127.0.61.0/24: {held.Count} secure, refused: {string.Join(", ", refusals.GroupBy(r => r).Select(g => $"{g.Key} {g.Count()}"))}";
            Exception? honest = await Record.ExceptionAsync(() => live.ShouldStillServeAnHonestClient(TimeSpan.FromSeconds(20)));
            TestContext.Current.TestOutputHelper?.WriteLine($"{figures}; honest client from 127.0.0.1: {(honest is null ? "served" : honest.Message)}");

            honest.ShouldBeNull(figures);
            held.Count.ShouldBeLessThan(slots, figures);
            refusals.ShouldAllBe(r => r == "RateLimited", figures);
        }
        finally
        {
            foreach (RawClient raw in held)
            {
                await raw.DisposeAsync();
            }
        }
    }

    internal static byte[] HelloFrame(byte flags = 0)
    {
        var hello = new ClientHello([WireFormat.Version], [(ushort)DhGroupId.Ffdhe2048], flags, System.Security.Cryptography.RandomNumberGenerator.GetBytes(WireFormat.NonceSize), null);
        byte[] body = new byte[hello.Size];
        hello.Write(body);
        return RawClient.Frame((byte)FrameType.ClientHello, body);
    }
}
