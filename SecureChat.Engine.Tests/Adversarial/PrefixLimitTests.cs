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
        int limit = new ChatOptions().MaxPendingHandshakesPerSource;
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

    internal static byte[] HelloFrame(byte flags = 0)
    {
        var hello = new ClientHello([WireFormat.Version2], [(ushort)DhGroupId.Ffdhe2048], flags, System.Security.Cryptography.RandomNumberGenerator.GetBytes(WireFormat.NonceSize), null);
        byte[] body = new byte[hello.Size];
        hello.Write(body);
        return RawClient.Frame((byte)FrameType.ClientHello, body);
    }
}
