using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// A flood that costs the attacker no cryptography (PROTOCOL.md 8, "handshakes in progress"): from 20 source prefixes,
/// a couple of hundred connections a second, each trickling a ClientHello one byte every 200 ms, so that it never
/// finishes a step yet is never silent. The server's default limits must still let honest clients in: a stall is
/// measured from when its step began (a trickle does not restart it), a handshake the server has derived keys for is
/// never evicted, and a newcomer the early drop would refuse takes the place of a stalled handshake instead.
/// </summary>
[Collection(HeavyCollection.Name)]
public sealed class TrickleFloodTests
{
    private const int Prefixes = 20;
    private const int ConnectionsPerSecond = 200;
    private const int HonestClients = 10;
    private static readonly TimeSpan s_byteInterval = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task A_one_byte_trickle_from_twenty_prefixes_does_not_keep_honest_clients_out()
    {
        await using LiveServer live = LiveServer.Start(new ChatOptions(), sourceLimits: true);
        IPAddress[] sources = [.. Enumerable.Range(1, Prefixes).Select(i => IPAddress.Parse($"127.0.{i}.2"))];
        byte[] hello = PrefixLimitTests.HelloFrame();
        var trickles = new ConcurrentDictionary<Socket, Trickle>();
        using var stop = new CancellationTokenSource();
        long opened = 0;
        int peakPending = 0;

        Task trickler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                foreach ((Socket socket, Trickle t) in trickles)
                {
                    if (!t.SendNext(socket, hello))
                    {
                        trickles.TryRemove(socket, out _);
                        socket.Dispose();
                    }
                }

                peakPending = Math.Max(peakPending, live.Server.Peers.Count(p => p.IsHandshaking));
                await Task.Delay(s_byteInterval);
            }
        });

        Task flood = Task.Run(async () =>
        {
            var clock = Stopwatch.StartNew();
            var connecting = new List<Task>();
            for (int n = 0; !stop.IsCancellationRequested; n++)
            {
                IPAddress source = sources[n % sources.Length];
                connecting.Add(Task.Run(async () =>
                {
                    var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    try
                    {
                        socket.Bind(new IPEndPoint(source, 0));
                        await socket.ConnectAsync(IPAddress.Loopback, live.Port);
                        Interlocked.Increment(ref opened);
                        trickles[socket] = new Trickle();
                    }
                    catch (SocketException)
                    {
                        socket.Dispose();
                    }
                }));
                while (clock.Elapsed < TimeSpan.FromSeconds((n + 1) / (double)ConnectionsPerSecond) && !stop.IsCancellationRequested)
                {
                    await Task.Delay(2);
                }
            }

            await Task.WhenAll(connecting);
        });

        await Task.Delay(TimeSpan.FromSeconds(3)); // the slots are as full as the flood makes them
        var honest = new List<Task<string?>>();
        for (int i = 0; i < HonestClients; i++)
        {
            honest.Add(HonestClientAsync(live.Port, $"honest{i}"));
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        string?[] outcomes = await Task.WhenAll(honest).WaitAsync(TimeSpan.FromSeconds(60));
        await stop.CancelAsync();
        await Task.WhenAll(flood, trickler).WaitAsync(TimeSpan.FromSeconds(30));
        foreach (Socket socket in trickles.Keys)
        {
            socket.Dispose();
        }

        int served = outcomes.Count(o => o is null);
        string reasons = string.Join(", ", live.Failures.GroupBy(f => f.Failure.Reason).Select(g => $"{g.Key} {g.Count()}"));
        string figures = $"honest clients in: {served} of {HonestClients}; attacker connections opened {Interlocked.Read(ref opened)}, " +
            $"peak pending {peakPending}; server failures: {reasons}; honest failures: {string.Join("; ", outcomes.Where(o => o is not null))}";
        TestContext.Current.TestOutputHelper?.WriteLine(figures);

        Interlocked.Read(ref opened).ShouldBeGreaterThan(1_000, figures); // the flood did run
        served.ShouldBe(HonestClients, figures);
    }

    /// <summary>An honest client connects (retrying when refused as busy, like every client), sends a message and leaves; null when it got in, else why not.</summary>
    private static async Task<string?> HonestClientAsync(int port, string name)
    {
        await using var client = new ChatClient(new ChatOptions { Name = name });
        try
        {
            await client.ConnectAsync("127.0.0.1", port).WaitAsync(TimeSpan.FromSeconds(20));
            await client.SendAsync("hello from " + name);
            return null;
        }
        catch (Exception e) when (e is ChatConnectionException or TimeoutException)
        {
            return $"{name}: {(e as ChatConnectionException)?.Failure.Reason.ToString() ?? "timeout"}";
        }
    }

    /// <summary>One attacker connection: the next byte of its ClientHello to send.</summary>
    private sealed class Trickle
    {
        private int _sent;

        /// <summary>Sends one more byte (never the last one); false once the server has closed the connection.</summary>
        public bool SendNext(Socket socket, byte[] hello)
        {
            try
            {
                if (socket.Poll(0, SelectMode.SelectRead))
                {
                    return false; // the server answered (an Alert) or closed: it has given up on this connection
                }

                if (_sent < hello.Length - 1)
                {
                    socket.Send(hello, _sent++, 1, SocketFlags.None);
                }

                return true;
            }
            catch (SocketException)
            {
                return false;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }
    }
}
