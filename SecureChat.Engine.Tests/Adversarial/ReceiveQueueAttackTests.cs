using System.Runtime.CompilerServices;
using SecureChat.Engine.Tests.Hub.Groups;
using SecureChat.Engine.Tests.Support;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// Attacks on the hub's memory from the receive side (SECURITY.md, "Memory"): members that send chat faster than the hub
/// relays it, while they read everything they are sent (so no output budget ever drops them). What the hub has read
/// and not yet relayed is bounded per link: past the bound it stops reading that link and TCP holds the sender back.
/// Checked on a real server process (RSS as the kernel counts it).
/// </summary>
[Collection(HeavyCollection.Name)]
public sealed class ReceiveQueueAttackTests(ITestOutputHelper output)
{
    private const int Flooders = 2;

    /// <summary>Members that only read.</summary>
    private const int Listeners = 0;

    /// <summary>How long the operator's display takes per message (a terminal showing 1,000 lines a second): the hub relays and shows slower than it can read.</summary>
    private const int OperatorMilliseconds = 1;

    /// <summary>How long the members flood.</summary>
    private static readonly TimeSpan s_flood = TimeSpan.FromSeconds(8);

    /// <summary>Plaintext each flooder sends: far more than the hub may hold, and bounded so a hub that holds it all fails the test instead of the machine.</summary>
    private const long FloodBytesPerFlooder = 192L << 20;

    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Two_members_flooding_chat_while_reading_everything_keep_the_server_process_under_its_computed_bound()
    {
        await using ServerProcess server = await ServerProcess.StartAsync(OperatorMilliseconds);
        await using (var warm = new ChatClient(new ChatOptions { Name = "warm" }))
        {
            await warm.ConnectAsync("127.0.0.1", server.Port).WaitAsync(s_wait);
            await warm.SendAsync("warm");
        }

        await Eventually.True(() => server.StatsAsync().Result.Peers == 0, "the warm-up client to leave", s_wait);
        long baseline = server.StatusBytes("VmRSS");
        long bound = baseline + ProcessMemoryTests.Bound(Flooders + Listeners);

        // Members of #lobby's group, so that their texts are relayed (and shown by the operator).
        LiveGroupMember[] inLobby = await LiveGroupMember.InLobbyAsync(server.Port, Enumerable.Range(0, Flooders + Listeners).Select(i => $"member{i}")).WaitAsync(s_wait * 2);
        RawClient[] members = [.. inLobby.Select(m => m.Raw)];
        LiveGroupMember[] flooders = inLobby[..Flooders];

        try
        {
            // Every member reads and discards everything the hub sends it (members that keep up): only the receive side can grow.
            StrongBox<long>[] received = [.. members.Select(_ => new StrongBox<long>())];
            Task[] drains = [.. members.Select((f, i) => f.DrainAsync(received[i]))];
            long peakRss = 0;
            bool overBound = false;
            bool flooding = true;
            var watch = Task.Run(async () =>
            {
                while (Volatile.Read(ref flooding) && !overBound && drains.All(d => !d.IsCompleted))
                {
                    peakRss = Math.Max(peakRss, server.StatusBytes("VmRSS"));
                    overBound = peakRss >= bound; // stops the flood: the attack has succeeded, no need to take the machine's memory
                    await Task.Delay(50);
                }
            });

            string text = new('f', ChatOptions.MaxMessageBytes - 64);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            long[] sent = new long[Flooders];
            await Task.WhenAll(flooders.Select((f, i) => Task.Run(async () =>
            {
                try
                {
                    while (clock.Elapsed < s_flood && sent[i] < FloodBytesPerFlooder && !overBound && !drains[i].IsCompleted)
                    {
                        await f.Raw.SendAsync([.. Enumerable.Range(0, 16).SelectMany(_ => f.Say(text))]);
                        Interlocked.Add(ref sent[i], 16L * text.Length);
                    }
                }
                catch (System.Net.Sockets.SocketException)
                {
                    // Dropped by the hub: the check below says so, with the figures.
                }
            })));
            await Task.Delay(500); // what was read by then is relayed or still held: the last samples
            Volatile.Write(ref flooding, false);
            await watch;
            long hwm = server.StatusBytes("VmHWM");

            long queuedPeak = await server.QueuedPeakAsync();
            long queuedBound = members.Length * ProcessMemoryTests.ReceiveQueueMax;
            // The operator's queue passes its limit by the texts the links' own queues held then (they move there, and
            // the links read nothing more): bounded by its limit plus the links' bound.
            long operatorPeak = await server.OperatorQueuedPeakAsync();
            long operatorBound = ProcessMemoryTests.OperatorQueueMax + queuedBound;
            string figures = $"baseline RSS {baseline >> 20} MiB, peak RSS {Math.Max(hwm, peakRss) >> 20} MiB, bound {bound >> 20} MiB; received events held at most {queuedPeak >> 10} KiB, bound {queuedBound >> 10} KiB; texts waiting for the operator's display at most {operatorPeak >> 10} KiB, bound {operatorBound >> 10} KiB; flooded {sent.Sum() >> 20} MiB in {clock.Elapsed.TotalSeconds:0.0} s";
            output.WriteLine(figures);
            drains.ShouldAllBe(d => !d.IsCompleted, $"no member was dropped: they read everything ({figures})");
            queuedPeak.ShouldBeLessThanOrEqualTo(queuedBound, figures);
            operatorPeak.ShouldBeLessThanOrEqualTo(operatorBound, figures);
            hwm.ShouldBeLessThan(bound, figures);
            sent.ShouldAllBe(s => s >= 16L << 20, $"the members could still send: TCP held them back, never stopped them ({figures})");
        }
        finally
        {
            foreach (RawClient client in members)
            {
                await client.DisposeAsync();
            }
        }
    }
}
