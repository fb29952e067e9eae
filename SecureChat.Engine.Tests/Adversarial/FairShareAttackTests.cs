using System.Net;
using System.Runtime.CompilerServices;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Tests.Hub.Groups;
using SecureChat.Engine.Tests.Support;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// The server-wide output budget's fair share under attack (SECURITY.md, "Memory"; PROTOCOL.md section 8): silent peers
/// that never read spend the budget during a burst, beside an honest member on a slow link that keeps reading. The
/// budget must be won back from the stalled and largest holders, per source prefix, never from the reader.
/// </summary>
[Collection(HeavyCollection.Name)]
public sealed class FairShareAttackTests(ITestOutputHelper output)
{
    private const int SilentCount = 12;
    private const int ReaderRate = 256 * 1024;
    private const long BurstBytes = 6_815_744; // 6.5 MiB of chat text
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);
    private static readonly GroupTarget s_lobby = GroupTarget.ForRoom("#lobby");

    [Theory]
    [InlineData("127.0.1.")] // the attacker's own /24
    [InlineData("127.0.0.")] // the reader's /24: only stalling and size tell them apart
    public async Task An_honest_reader_at_256_KB_s_beside_12_silent_peers_is_never_dropped_when_a_burst_spends_the_server_budget(string attackerNetwork)
    {
        var options = new ChatOptions
        {
            ServerOutput = 16L << 20,
            IdleTimeout = TimeSpan.FromMinutes(10), // nobody sends: only the output limits may drop anyone
        };
        await using LiveServer live = LiveServer.Start(options);

        // SECURITY.md, "Memory": unsent output over all peers is at most ServerOutput + PeerOutput + N x (FairShare + 16,453).
        long bound = options.ServerOutput + options.PeerOutput + ((SilentCount + 1) * (long)(options.FairShare + ProcessMemoryTests.MaxRecord));
        // Room text reaches only the room's group members (PROTOCOL.md 4.8): the reader and the silent peers each publish
        // a key package and are added to #lobby's group by the hub's operator before the burst, so the burst is sent to
        // all of them as GroupRelays.
        await using RawClient reader = await JoinGroupAsync(live, "reader", IPAddress.Loopback);
        var received = new StrongBox<long>();
        Task reading = reader.ReadPacedAsync(ReaderRate, received);
        var silent = new List<(RawClient Client, IPAddress From)>();
        try
        {
            for (int i = 0; i < SilentCount; i++)
            {
                IPAddress from = IPAddress.Parse(attackerNetwork + (10 + i));
                silent.Add((await JoinGroupAsync(live, $"silent{i}", from), from));
            }

            await Eventually.True(() => live.Server.Peers.Count == SilentCount + 1, "every silent peer to join", s_wait);
            // One commit of the operator's per joiner as each came: epoch 13 once the reader and the 12 are all in.
            await Eventually.True(
                () => live.Server.GroupOf(s_lobby).Epoch >= SilentCount + 1,
                "the reader and every silent peer to be in #lobby's group with the operator",
                TimeSpan.FromMinutes(2));

            string text = new('b', ChatOptions.MaxMessageBytes - 64);
            long sent = 0;
            for (int i = 0; sent < BurstBytes; i++)
            {
                live.Server.Broadcast(text);
                sent += text.Length;
                if (i % 16 == 15)
                {
                    await Task.Delay(1); // let the writers hand what they can to the kernel
                }
            }

            await Eventually.True(
                () => Dropped(live, IPAddress.Loopback, reader.LocalPort) || Interlocked.Read(ref received.Value) >= sent,
                "the reader to read the whole burst or be dropped",
                TimeSpan.FromMinutes(3));

            int silentDropped = silent.Count(s => Dropped(live, s.From, s.Client.LocalPort));
            string readerFailure = live.Failures.Where(f => Is(f.Peer, IPAddress.Loopback, reader.LocalPort)).Select(f => $"{f.Failure.Reason}: {f.Failure.Message}").FirstOrDefault() ?? "none";
            long spentPeak = live.Server.UnsentBytes.Peak;
            long lentPeak = live.Server.LentPeak;
            output.WriteLine($"attackers in {attackerNetwork}0/24: burst {sent:N0} B; server unsent peak {spentPeak:N0} B (budget {16L << 20:N0}, SECURITY.md bound {bound:N0}), lent at most {lentPeak:N0} B; reader read {Interlocked.Read(ref received.Value):N0} B; reader dropped: {readerFailure}; silent peers dropped {silentDropped} of {SilentCount}");

            Dropped(live, IPAddress.Loopback, reader.LocalPort).ShouldBeFalse($"the reader keeps reading and must not be dropped for the others ({readerFailure})");
            spentPeak.ShouldBeGreaterThanOrEqualTo(16L << 20, "the burst spent the server budget");
            spentPeak.ShouldBeLessThanOrEqualTo(bound, "SECURITY.md's bound on unsent output");
            lentPeak.ShouldBeLessThanOrEqualTo(options.PeerOutput / 2, "room lent while dropped peers close is at most half a peer's budget");
            silentDropped.ShouldBeGreaterThan(0, "the budget was won back from the silent peers");
            live.Failures.ShouldAllBe(f => f.Failure.Reason == FailureReason.PeerTooSlow);
            reading.IsCompleted.ShouldBeFalse("the reader's connection stays open");
            await live.ShouldStillServeAnHonestClient(s_wait);
        }
        finally
        {
            foreach ((RawClient client, _) in silent)
            {
                await client.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// A raw client from <paramref name="from"/> that completed the handshake as <paramref name="name"/> with an identity
    /// that is its MLS signature key, and offered the hub a last-resort key package, so the operator adds it to #lobby's group.
    /// </summary>
    private static async Task<RawClient> JoinGroupAsync(LiveServer live, string name, IPAddress from)
    {
        var keys = new DsMember(name);
        var settings = new SessionSettings { Role = SessionRole.Client, Identity = new SeededSigner(keys.SignaturePrivateKey), Name = name };
        RawClient client = await RawClient.ConnectAsync(live.Port, settings, from).WaitAsync(s_wait);
        (await client.HandshakeAsync().WaitAsync(s_wait)).ShouldBeTrue();
        byte[] keyPackage = keys.NewKeyPackage(TimeProvider.System);
        await client.SendAsync(client.ProduceChat(c => c.Groups.SendKeyPackages([keyPackage], lastResort: true)));
        return client;
    }

    /// <summary>By address and port: peers from different source addresses may be given the same port.</summary>
    private static bool Dropped(LiveServer live, IPAddress from, int port) => live.Failures.Any(f => Is(f.Peer, from, port));

    private static bool Is(PeerInfo peer, IPAddress from, int port) =>
        peer.RemoteEndPoint is IPEndPoint ip && ip.Port == port && (ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address).Equals(from);
}
