using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// Time and resource attacks: slowloris (silent, or a byte every so often) is cut at the handshake deadline, and
/// a flood of half-open and garbage connections neither locks an honest client out nor grows memory without bound.
/// </summary>
[Collection(HeavyCollection.Name)]
public sealed class ResourceAttackTests
{
    [Fact]
    public async Task A_connection_that_sends_nothing_is_cut_at_the_handshake_deadline()
    {
        // 3 s: long enough for the honest handshake afterwards on this same server on a loaded machine.
        await using LiveServer live = LiveServer.Start(new ChatOptions { HandshakeTimeout = TimeSpan.FromSeconds(3) });
        await using RawClient idle = await RawClient.ConnectAsync(live.Port);

        AlertMessage? alert = await idle.ReadAlertAsync(TimeSpan.FromSeconds(10));

        alert.ShouldNotBeNull();
        alert.Value.Code.ShouldBe(AlertCode.Timeout);
        (await idle.ServerClosesAsync(TimeSpan.FromSeconds(10))).ShouldBeTrue();
        (await live.FailureFor(idle.LocalPort)).Reason.ShouldBe(FailureReason.HandshakeTimeout);
        await live.ShouldStillServeAnHonestClient();
    }

    [Fact]
    public async Task A_connection_that_trickles_a_byte_every_few_hundred_milliseconds_is_cut_at_the_deadline()
    {
        await using LiveServer live = LiveServer.Start(new ChatOptions { HandshakeTimeout = TimeSpan.FromSeconds(1.5) });
        await using RawClient slow = await RawClient.ConnectAsync(live.Port);
        slow.Session.Start();
        byte[] hello = slow.TakeOutput();
        var started = DateTime.UtcNow;

        try
        {
            foreach (byte b in hello)
            {
                await slow.SendAsync([b]);
                await Task.Delay(300);
                if (live.HasFailureFor(slow.LocalPort))
                {
                    break;
                }
            }
        }
        catch (SocketException)
        {
            // The server closed the connection under us: that is the point.
        }

        (await live.FailureFor(slow.LocalPort, TimeSpan.FromSeconds(10))).Reason.ShouldBe(FailureReason.HandshakeTimeout);
        (DateTime.UtcNow - started).ShouldBeLessThan(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_flood_of_half_open_and_garbage_connections_does_not_stop_an_honest_client()
    {
        await using LiveServer live = LiveServer.Start(new ChatOptions { MaxHandshakes = 64, HandshakeTimeout = TimeSpan.FromSeconds(60) });
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long memoryBefore = GC.GetTotalMemory(forceFullCollection: true);
        var sockets = new List<Socket>();
        try
        {
            for (int i = 0; i < 300; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(IPAddress.Loopback, live.Port);
                sockets.Add(socket);
                if (i % 3 == 0)
                {
                    await socket.SendAsync(RandomNumberGenerator.GetBytes(200), SocketFlags.None);
                }
            }

            // Every idle connection beyond the limit pushed an older idle one out; the honest client gets in at once.
            await live.ShouldStillServeAnHonestClient(TimeSpan.FromSeconds(30));
            live.Server.Peers.Count(p => p.Stage is not SessionStage.Failed and not SessionStage.Closed)
                .ShouldBeLessThanOrEqualTo(64, "idle connections beyond the limit are evicted and garbage ones failed");
            live.Failures.Count(f => f.Failure.Reason == FailureReason.ServerBusy).ShouldBeGreaterThan(0, "the flood must have hit the limit");

            GC.Collect();
            GC.WaitForPendingFinalizers();
            long growth = GC.GetTotalMemory(forceFullCollection: true) - memoryBefore;
            growth.ShouldBeLessThan(32L << 20, "300 hostile connections must not cost more than a few KiB each");
        }
        finally
        {
            foreach (Socket socket in sockets)
            {
                socket.Dispose();
            }
        }
    }
}
