using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Identity;
using SecureChat.Engine.Session;
using SecureChat.Engine.Tests.Support;
using SecureChat.Engine.Transport;
using SecureChat.Engine.Session.Trust;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// A hub that keeps names and known clients (README, "Identities and trust") beside full files: members that join and rename at the
/// allowed rate must not hold up the relay of everyone's chat. Each join asks known_clients and each rename asks
/// names, the latter under the hub's membership lock; when that meant re-reading, rewriting and fsyncing 10,000 lines,
/// every relay waited for it.
/// </summary>
[Collection(HeavyCollection.Name)]
public sealed class TrustFileLatencyTests(ITestOutputHelper output)
{
    /// <summary>Stored names and clients: room left for the renamers' names (8 each), so renames append and release (rewrite) lines.</summary>
    private const int StoredEntries = 9_000;
    private const int Renamers = 30;
    private const int Probes = 120;
    private static readonly TimeSpan s_probeInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan s_renameInterval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan s_probeWait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Thirty_members_renaming_at_the_allowed_rate_beside_9000_stored_names_and_clients_leave_relay_latency_low()
    {
        using TempDirectory temp = new();
        ConfigDirectory directory = ConfigDirectory.OpenPath(temp.Combine("hub"));
        Prefill(directory);
        var names = new NameRegistry(directory, NameRules.ComparisonKey);
        var clients = new KnownClients(directory);
        await using LiveServer live = LiveServer.Start(new ChatOptions
        {
            Name = "hub",
            ClaimName = (requested, key, inUse) => names.Claim(requested, key, inUse),
            CheckPeerIdentity = (_, peer) => clients.Judge(peer),
            NickInterval = s_renameInterval, // the allowed rate, made short so the test is
        });

        await using var receiver = new ChatClient(new ChatOptions { Name = "receiver" });
        await using var sender = new ChatClient(new ChatOptions { Name = "sender" });
        var arrived = new ConcurrentDictionary<int, long>();
        receiver.MessageReceived += m =>
        {
            if (m.Text.StartsWith("probe ", StringComparison.Ordinal))
            {
                arrived.TryAdd(int.Parse(m.Text[6..], System.Globalization.CultureInfo.InvariantCulture), Stopwatch.GetTimestamp());
            }
        };
        await receiver.ConnectAsync("127.0.0.1", live.Port).WaitAsync(s_wait);
        await sender.ConnectAsync("127.0.0.1", live.Port).WaitAsync(s_wait);

        var renamers = new List<RawClient>();
        var received = new StrongBox<long>();
        using var stop = new CancellationTokenSource();
        try
        {
            for (int i = 0; i < Renamers; i++)
            {
                RawClient renamer = await OutputBudgetAttackTests.ConnectAsync(live);
                _ = renamer.DrainAsync(received);
                renamers.Add(renamer);
            }

            // Every renamer takes a new name at the allowed rate (the burst, its handshake name included, then one per
            // interval), each a new line in names.
            string[] newest = new string[Renamers];
            Task[] renaming = [.. renamers.Select((r, i) => Task.Run(async () =>
            {
                for (int n = 0; !stop.IsCancellationRequested; n++)
                {
                    await r.SendAsync(r.ProduceChat(c => c.SendNick($"r{i}-{n}")));
                    newest[i] = $"r{i}-{n}";
                    await Task.Delay(n < 3 ? TimeSpan.Zero : s_renameInterval + TimeSpan.FromMilliseconds(50));
                }
            }))];

            var sent = new long[Probes];
            for (int p = 0; p < Probes; p++)
            {
                sent[p] = Stopwatch.GetTimestamp();
                await sender.SendAsync($"probe {p}");
                await Task.Delay(s_probeInterval);
            }

            // A probe that has not arrived within the wait counts with the time it has waited (a lower bound).
            var waiting = Stopwatch.StartNew();
            while (arrived.Count < Probes && waiting.Elapsed < s_probeWait)
            {
                await Task.Delay(20);
            }

            long now = Stopwatch.GetTimestamp();
            stop.Cancel();
            double[] latencies = [.. Enumerable.Range(0, Probes).Select(p => Stopwatch.GetElapsedTime(sent[p], arrived.TryGetValue(p, out long at) ? at : now).TotalMilliseconds).Order()];
            double p95 = latencies[(int)(0.95 * (Probes - 1))];
            string figures = $"{arrived.Count} of {Probes} probes arrived; relay latency p50 {latencies[Probes / 2]:0.0} ms, p95 {p95:0.0} ms, max {latencies[^1]:0.0} ms, with {Renamers} members renaming every {s_renameInterval.TotalMilliseconds:0} ms beside {StoredEntries:N0} stored names and clients";
            output.WriteLine(figures);
            p95.ShouldBeLessThan(250, figures);
            live.Failures.ShouldBeEmpty(figures);
            await Task.WhenAll(renaming).WaitAsync(s_wait);

            // Everything the hub granted is on disk once flushed: a later instance sees the renamers' newest names as theirs.
            names.Flush();
            clients.Flush();
            await Eventually.True(() => live.Server.Peers.Any(p => p.Name == newest[0]), "the last rename to be granted", s_wait);
            names.Flush();
            var later = new NameRegistry(directory, NameRules.ComparisonKey);
            later.OwnerOf(newest[0]).ShouldBe(renamers[0].Session.Settings.Identity.PublicKey);
            later.OwnerOf($"stored{StoredEntries - 1}").ShouldNotBeNull("the stored names survive the rewrites");
        }
        finally
        {
            stop.Cancel();
            foreach (RawClient renamer in renamers)
            {
                await renamer.DisposeAsync();
            }
        }
    }

    /// <summary>Writes 10,000 names and 10,000 known clients, as a hub that has seen that many identities has.</summary>
    private static void Prefill(ConfigDirectory directory)
    {
        var namesFile = new StringBuilder("# names\n");
        var clientsFile = new StringBuilder("# known clients\n");
        for (int i = 0; i < StoredEntries; i++)
        {
            string key = Convert.ToBase64String(SHA256.HashData(BitConverter.GetBytes(i)));
            namesFile.Append($"stored{i} {key}\n");
            clientsFile.Append($"{key} known 2026-01-01 stored{i}\n");
        }

        directory.WriteAllTextAtomic(NameRegistry.FileName, namesFile.ToString());
        directory.WriteAllTextAtomic(KnownClients.FileName, clientsFile.ToString());
    }
}
