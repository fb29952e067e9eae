using System.Collections.Concurrent;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Groups;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// 200 concurrent clients each send 20 messages through the hub to #lobby's 201-member MLS group: every member gets
/// every text exactly once, in order per sender. Twenty, not a hundred: each text costs every other member one MLS
/// decryption, and 200 clients in one test process share this machine's cores (2,000 texts are 400,000 decryptions);
/// the hub's own order around commits is proven apart (RelayOrderLiveTests).
/// </summary>
[Collection(HeavyCollection.Name)]
public sealed class HubLoadTests
{
    private const int Clients = 200;
    private const int MessagesEach = 20;
    private static readonly TimeSpan s_wait = TimeSpan.FromMinutes(4);

    /// <summary>
    /// The idle limit for this test's links: 200 clients in one process on a loaded 2-core machine can be starved of CPU
    /// past the default limit between two records, and a link ended for idling is not what this test is about.
    /// </summary>
    private static readonly TimeSpan s_idle = TimeSpan.FromMinutes(10);
    private static readonly GroupTarget s_lobby = GroupTarget.ForRoom(ChatEndpoint.Lobby);

    /// <summary>How long deliveries may make no progress before the test says what is missing.</summary>
    private static readonly TimeSpan s_stalled = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Bytes on the wire of the largest record the hub sends a client in this test: a Relay in <c>#lobby</c> from a
    /// four-character name of a message "cNNN 99" (a Presence about such a name is smaller).
    /// </summary>
    private static int LargestRecord => WireFormat.FrameHeaderSize +
        RecordProtector.SealedSize((1 + "#lobby".Length) + WireFormat.IdentityDigestSize + (1 + "c000".Length) + "c000 99".Length);

    /// <summary>
    /// All the hub may ever hold for one client in this test: a Relay of every other client's every message, a
    /// presence notice about every other client, and an Ack for each of its records (its messages and at most one
    /// Heartbeat every 15 s over the longest the test may run), each counted at <see cref="LargestRecord"/>.
    /// </summary>
    private static long PerClientOutput => (long)LargestRecord *
        (((long)Clients - 1) * MessagesEach + Clients + MessagesEach + (long)(4 * s_wait / WireFormat.HeartbeatInterval));

    /// <summary>
    /// The server-wide output budget for this test: the whole fan-out. With the default (64 MiB, about an eighth of
    /// it) the test assumed the hub writes nearly as fast as it reads: every client sends all its messages at
    /// once, and a loaded machine's hub that reads them sooner than it writes them out spends the budget and drops
    /// readers as too slow, which is that budget's purpose (FairShareAttackTests, ProcessMemoryTests), not this test's.
    /// </summary>
    private static long WholeFanOut => Clients * PerClientOutput;

    [Fact]
    public async Task Two_hundred_clients_sending_twenty_messages_each_get_every_message_exactly_once_in_order()
    {
        // Each client's share fits in the default per-peer budget, which stays in force.
        PerClientOutput.ShouldBeLessThan(new ChatOptions().PeerOutput);
        await using LiveServer live = LiveServer.Start(new ChatOptions { HandshakeTimeout = TimeSpan.FromMinutes(2), IdleTimeout = s_idle, ServerOutput = WholeFanOut });
        var joined = new ConcurrentDictionary<string, bool>();
        live.Server.PresenceChanged += n =>
        {
            if (n.Kind == PresenceKind.Joined)
            {
                joined[n.Name] = true;
            }
        };

        // Per receiver, per sender: the next index expected, and every violation seen.
        var next = new ConcurrentDictionary<(string Receiver, string Sender), int>();
        var violations = new ConcurrentQueue<string>();
        long delivered = 0;

        // Every delivery, with the epoch the receiver was at when the text came: to tell a text lost from one late.
        var heard = new ConcurrentDictionary<(string Receiver, string Sender, int Index), ulong?>();
        void Track(string receiver, ChatMessage m, ulong? epoch = null)
        {
            int space = m.Text.IndexOf(' ', StringComparison.Ordinal);
            if (space < 0 || !int.TryParse(m.Text.AsSpan(space + 1), out int index) || m.Text[..space] != m.Sender)
            {
                violations.Enqueue($"{receiver} got a malformed message '{m.Text}' from {m.Sender}");
                return;
            }

            heard[(receiver, m.Sender, index)] = epoch;
            int expected = next.AddOrUpdate((receiver, m.Sender), _ => 1, (_, v) => v + 1) - 1;
            if (index != expected)
            {
                violations.Enqueue($"{receiver} got {m.Sender}'s message {index} when {expected} was due");
            }

            Interlocked.Increment(ref delivered);
        }

        // How long after its sending each message reached the hub: the measure of a reader starved on a busy hub
        // (printed, not asserted: this machine is shared and noisy).
        var sentAt = new ConcurrentDictionary<string, long>();
        var hubLatencies = new ConcurrentQueue<double>();
        live.Server.MessageReceived += m =>
        {
            if (sentAt.TryGetValue(m.Text, out long at))
            {
                hubLatencies.Enqueue(System.Diagnostics.Stopwatch.GetElapsedTime(at).TotalMilliseconds);
            }

            Track("server", m);
        };
        var clientEnds = new ConcurrentQueue<string>();

        // Per client: messages handed to SendAsync and messages the hub acknowledged, to tell a client whose records never
        // left it from one whose records the hub did not handle, when the hub drops a client.
        var sends = new ConcurrentDictionary<string, int>();
        var acknowledged = new ConcurrentDictionary<string, int>();
        var clients = new ChatClient[Clients];

        // What the clients' groups said other than adds (a dropped text, a fork, a hold), for the failure message.
        var groupNotices = new ConcurrentQueue<string>();
        using var gate = new SemaphoreSlim(8);
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                var client = new ChatClient(new ChatOptions { Name = $"c{i:D3}", HandshakeTimeout = TimeSpan.FromMinutes(2), IdleTimeout = s_idle });
                client.MessageReceived += m => Track(client.Name, m, client.GroupOf(s_lobby).Epoch);
                client.Failed += (_, failure) => clientEnds.Enqueue($"{client.Name} failed: {failure.Message}");
                client.Closed += (_, byPeer) => clientEnds.Enqueue($"{client.Name} closed ({(byPeer ? "by the server" : "here")})");
                client.MessagesLost += (_, count) => clientEnds.Enqueue($"{client.Name} was told {count} of its messages were lost");
                client.GroupChanged += n =>
                {
                    if (n.Kind is not (GroupNoticeKind.MemberAdded or GroupNoticeKind.Joined or GroupNoticeKind.RosterMismatch))
                    {
                        groupNotices.Enqueue($"{client.Name} at epoch {client.GroupOf(s_lobby).Epoch}: {n.Kind} {n.Text}");
                    }
                };
                client.Acknowledged += (_, count) => acknowledged.AddOrUpdate(client.Name, count, (_, v) => v + count);
                await client.ConnectAsync("127.0.0.1", live.Port).WaitAsync(s_wait);
                clients[i] = client;
            }
            finally
            {
                gate.Release();
            }
        })).WaitAsync(s_wait);
        await Eventually.True(() => joined.Count == Clients, "every client to join", s_wait);

        // A member reads only the texts of the epochs it was in (PROTOCOL.md 4.8): the texts go out once every client
        // and the hub's operator are in #lobby's group at one epoch, or a text sealed before a later joiner's add is
        // one that joiner can never read.
        var forming = System.Diagnostics.Stopwatch.StartNew();
        await Eventually.True(() => InOneEpoch(live, clients), "every client and the operator in #lobby's group at one epoch", s_wait);
        TestContext.Current.TestOutputHelper?.WriteLine($"#lobby's group of {Clients} clients and the operator formed {forming.Elapsed.TotalSeconds:0.0} s after the last join, at epoch {live.Server.GroupOf(s_lobby).Epoch}");

        var sending = System.Diagnostics.Stopwatch.StartNew();
        await Task.WhenAll(clients.Select(c => Task.Run(async () =>
        {
            for (int n = 0; n < MessagesEach; n++)
            {
                string text = $"{c.Name} {n}";
                sentAt[text] = System.Diagnostics.Stopwatch.GetTimestamp();
                await c.SendAsync(text);
                sends.AddOrUpdate(c.Name, 1, (_, v) => v + 1);
            }
        }))).WaitAsync(s_wait);

        TimeSpan sent = sending.Elapsed;
        long expectedDeliveries = (long)Clients * MessagesEach * Clients; // the server plus the 199 other clients
        // Until every delivery, or no progress for a while (then say what is missing, not only "timed out").
        var sinceProgress = System.Diagnostics.Stopwatch.StartNew();
        var total = System.Diagnostics.Stopwatch.StartNew();
        long seen = 0;
        while (Interlocked.Read(ref delivered) < expectedDeliveries && sinceProgress.Elapsed < s_stalled && total.Elapsed < s_wait)
        {
            await Task.Delay(50);
            long now = Interlocked.Read(ref delivered);
            if (now != seen)
            {
                seen = now;
                sinceProgress.Restart();
            }
        }

        await Task.Delay(500);
        (_, long peakUnsent) = live.Server.UnsentBytes;
        double[] latencies = [.. hubLatencies.Order()];
        string reading = latencies.Length == 0 ? "none reached the hub" :
            $"p50 {latencies[latencies.Length / 2]:0} ms, p99 {latencies[latencies.Length * 99 / 100]:0} ms, max {latencies[^1]:0} ms";
        TestContext.Current.TestOutputHelper?.WriteLine($"sending took {sent.TotalSeconds:0.0} s and delivering {sending.Elapsed.TotalSeconds:0.0} s in all (until the last delivery, or no progress for {s_stalled.TotalSeconds:0} s); the group ended at epoch {live.Server.GroupOf(s_lobby).Epoch}");
        TestContext.Current.TestOutputHelper?.WriteLine($"{total.Elapsed.TotalSeconds:0} s; messages reached the hub {reading} after they were sent; server-wide unsent peak {peakUnsent:N0} B of the whole fan-out's {WholeFanOut:N0} (the default budget is {new ChatOptions().ServerOutput:N0}); per client at most {PerClientOutput:N0} B of the {new ChatOptions().PeerOutput:N0} B per-peer budget; records of at most {LargestRecord} B");
        if (Interlocked.Read(ref delivered) != expectedDeliveries)
        {
            var shortPairs = next.Where(p => p.Value != MessagesEach).Select(p => $"{p.Key.Receiver}<-{p.Key.Sender}:{p.Value}").ToList();
            var silentReceivers = clients.Select(c => c.Name).Append("server").Where(r => !next.Keys.Any(k => k.Receiver == r)).ToList();
            var shortAtServer = clients.Select(c => (c.Name, Got: next.TryGetValue(("server", c.Name), out int got) ? got : 0)).Where(s => s.Got != MessagesEach).Select(s => $"{s.Name}:{s.Got}").ToList();
            var shortOnes = next.Where(p => p.Key.Receiver != "server" && p.Value != MessagesEach).Select(p => p.Key)
                .Concat(from c in clients from sender in clients where sender != c && !next.ContainsKey((c.Name, sender.Name)) select (Receiver: c.Name, Sender: sender.Name))
                .ToList();
            var missing = (from pair in shortOnes
                           from index in Enumerable.Range(0, MessagesEach)
                           where !heard.ContainsKey((pair.Receiver, pair.Sender, index))
                           select (pair.Receiver, pair.Sender, Index: index)).ToList();
            var highest = new Dictionary<string, int>();
            foreach ((_, string sender, int index) in heard.Keys)
            {
                highest[sender] = Math.Max(highest.GetValueOrDefault(sender, -1), index);
            }

            var missingTexts = missing.GroupBy(m => (m.Sender, m.Index)).Select(g => (Text: g.Key, Receivers: g.Count())).ToList();
            string Around((string Receiver, string Sender, int Index) m) =>
                $"{m.Sender}'s text {m.Index} missing at {m.Receiver} (epoch there before: {heard.GetValueOrDefault((m.Receiver, m.Sender, m.Index - 1))?.ToString() ?? "-"}, after: {heard.GetValueOrDefault((m.Receiver, m.Sender, m.Index + 1))?.ToString() ?? "-"}; " +
                $"{clients.Count(c => c.Name != m.Sender && heard.ContainsKey((c.Name, m.Sender, m.Index)))} others got it, at epochs {string.Join("/", clients.Select(c => heard.TryGetValue((c.Name, m.Sender, m.Index), out ulong? e) ? e : null).Where(e => e is not null).Distinct())})";
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"{missing.Count} deliveries missing, of {missingTexts.Count} distinct texts ({missingTexts.Count(t => t.Receivers < Clients - 1)} of them missing at only some receivers, " +
                $"{missingTexts.Count(t => highest.GetValueOrDefault(t.Text.Sender, -1) > t.Text.Index)} followed by a later text of the same sender somewhere); " +
                $"e.g. {string.Join("; ", missing.Where(m => heard.ContainsKey((m.Receiver, m.Sender, m.Index + 1))).Take(6).Select(Around))}; group notices: {string.Join("; ", groupNotices.Take(20))}");
            Assert.Fail(
                $"{Interlocked.Read(ref delivered)} of {expectedDeliveries} deliveries after {total.Elapsed.TotalSeconds:0} s " +
                $"(none for the last {sinceProgress.Elapsed.TotalSeconds:0} s); {shortPairs.Count} receiver-sender pairs short, e.g. {string.Join(", ", shortPairs.Take(8))}; " +
                $"receivers with nothing: {silentReceivers.Count}; senders the server did not get all of: {string.Join(", ", shortAtServer.Take(8))}; server-side failures: {string.Join("; ", live.Failures.Take(5).Select(f => $"{f.Peer.Name}: {f.Failure.Message} (it sent {sends.GetValueOrDefault(f.Peer.Name)} messages, {acknowledged.GetValueOrDefault(f.Peer.Name)} acknowledged; it opened {clients.FirstOrDefault(c => c.Name == f.Peer.Name)?.RecordsHeard ?? 0:N0} records)"))}; " +
                $"server-side closes: {live.Closes.Count}; server-wide unsent peak {peakUnsent:N0} B; clients: {string.Join("; ", clientEnds.Take(8))}; {violations.Count} violations: {string.Join("; ", violations.Take(10))}; group notices other than adds and joins: {groupNotices.Count}, e.g. {string.Join("; ", groupNotices.Take(10))}");
        }

        violations.Take(10).ShouldBeEmpty();
        Interlocked.Read(ref delivered).ShouldBe(expectedDeliveries);
        next.Count.ShouldBe(Clients * Clients, "each of 200 receivers heard from each of the 199 others, and the server from all 200");
        next.Values.ShouldAllBe(v => v == MessagesEach);
        live.Failures.ShouldBeEmpty();
        peakUnsent.ShouldBeLessThanOrEqualTo(WholeFanOut);
        await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask())).WaitAsync(s_wait);
    }

    /// <summary>True once every client is a member of #lobby's group at the operator's epoch.</summary>
    private static bool InOneEpoch(LiveServer live, ChatClient[] clients)
    {
        (MemberGroupStatus status, ulong? epoch, _) = live.Server.GroupOf(s_lobby);
        return status == MemberGroupStatus.Member && clients.All(c => c.GroupOf(s_lobby) is { Status: MemberGroupStatus.Member } g && g.Epoch == epoch);
    }
}
