using SecureChat.Engine.Chat;
using System.Collections.Concurrent;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Tests.Hub.Groups;
using SecureChat.Engine.Tests.Support;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// Attacks on the hub's memory by peers that never read, and by floods of chat and name changes (SECURITY.md, "Memory";
/// PROTOCOL.md section 8): every record type counts in one output budget per peer, a stalled write ends the link,
/// and name changes are rate-limited. Raw clients on 127.0.0.1 do what an outsider would. Every flood has a bound,
/// so a limit that does not hold fails the test instead of hanging it.
/// </summary>
[Collection(HeavyCollection.Name)]
public sealed class OutputBudgetAttackTests
{
    private const long FloodBytesMax = 64L << 20;
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);
    private static readonly GroupTarget s_lobby = GroupTarget.ForRoom(ChatEndpoint.Lobby);

    [Fact]
    public async Task A_peer_that_never_reads_is_dropped_once_relayed_chat_passes_the_default_8_MiB_budget_and_its_socket_is_given_up_at_once()
    {
        await using LiveServer live = LiveServer.Start();
        await using RawClient silent = await JoinAsync(live, "silent");
        await using RawClient flooder = await JoinAsync(live, "flooder");

        long relayed = await FloodChatUntilAsync(flooder, () => live.HasFailureFor(silent.LocalPort));

        relayed.ShouldBeGreaterThanOrEqualTo(new ChatOptions().PeerOutput, "nobody is dropped before the budget is spent");
        SessionFailure failure = await live.FailureFor(silent.LocalPort, s_wait);
        failure.Reason.ShouldBe(FailureReason.PeerTooSlow);
        (await silent.ServerClosesAsync(s_wait)).ShouldBeTrue("the server gives up the dropped peer's socket");
        await Eventually.True(() => !live.Server.Peers.Any(p => LiveServer.PortOf(p) == silent.LocalPort), "the dropped peer to leave the hub", TimeSpan.FromSeconds(5));
        live.HasFailureFor(flooder.LocalPort).ShouldBeFalse("the flooder itself reads nothing but is sent nothing");
        await live.ShouldStillServeAnHonestClient(s_wait);
    }

    [Fact]
    public async Task A_presence_flood_to_a_peer_that_never_reads_stays_under_its_budget_and_the_peer_is_dropped_as_too_slow()
    {
        // Rate limit off, so only the budget, coalescing and the write timeout (whichever comes first) bound presence; one
        // renamer and one member who watches (both read and discard what they are sent: only the silent peer may be dropped).
        const int limit = 64 * 1024;
        var options = new ChatOptions
        {
            PeerOutput = limit,
            NickBurst = int.MaxValue,
            NickFloodBurst = int.MaxValue,
            WriteTimeout = TimeSpan.FromSeconds(5),
            TickInterval = TimeSpan.FromMilliseconds(250),
            IdleTimeout = TimeSpan.FromMinutes(10), // the silent peer also sends nothing: only output limits may drop it

            // Each notice at once: with the default delay, the renames of a quarter second merge into a few notices,
            // and the silent peer's kernel buffers would take minutes to fill (good, but not what is tested here).
            PresenceDelay = TimeSpan.Zero,
        };
        await using LiveServer live = LiveServer.Start(options);
        await using RawClient silent = await JoinAsync(live, "silent");
        await using RawClient first = await JoinAsync(live, "first");
        await using RawClient second = await JoinAsync(live, "second");
        long[] read = new long[2];
        Task[] drains = [DrainAsync(first, () => Interlocked.Increment(ref read[0])), DrainAsync(second, () => Interlocked.Increment(ref read[1]))];

        // Bounded by time, not by a count of notices: the more a loaded server coalesces them, the fewer bytes reach the
        // silent peer's kernel buffers and the longer they take to fill (12 s here unloaded; over 60 s and 670,000
        // notices with three busy loops beside the suite), but the write timeout must come in the end.
        long notices = 0;
        var flood = System.Diagnostics.Stopwatch.StartNew();
        while (!live.HasFailureFor(silent.LocalPort))
        {
            flood.Elapsed.ShouldBeLessThan(TimeSpan.FromMinutes(4), $"the silent peer was never dropped ({notices} notices sent)");
            for (int i = 0; i < 200; i++, notices++)
            {
                await first.SendAsync(first.ProduceChat(c => c.SendNick(LongName('a', notices))));
            }

            // Each Nick gets its own answer (never merged), and the renamer is told of nobody else's renames, so every
            // record it reads is one of its answers: it reads them all before it sends more, or its own answers, not
            // the silent peer's notices, would pass its budget (a peer that asks faster than it reads is too slow).
            await Eventually.True(() => Interlocked.Read(ref read[0]) >= notices, "the renamer to read its answers", TimeSpan.FromMinutes(2));

            // Whatever the kernel does not take is held for the silent peer: notices about one member coalesce, so it
            // never grows past the budget (plus the one record that crosses it). Each renamer holds the answers to its
            // own Nicks (one each, never merged) until it reads them, within its own budget of the same size.
            live.Server.UnsentBytes.Peak.ShouldBeLessThan((3 * limit) + ProcessMemoryTests.MaxRecord, "held presence grew past the peers' budgets");
            await Task.Delay(10);
        }

        SessionFailure failure = await live.FailureFor(silent.LocalPort);
        failure.Reason.ShouldBe(FailureReason.PeerTooSlow);
        TestContext.Current.SendDiagnosticMessage($"{notices} notices sent before the drop; peak unsent {live.Server.UnsentBytes.Peak} B");
        live.Failures.Select(f => $"{f.Peer.Name}: {f.Failure.Message}").ShouldHaveSingleItem("only the silent peer was dropped");
        drains.ShouldAllBe(d => !d.IsCompleted, "the renamers' connections stay open");
        await live.ShouldStillServeAnHonestClient(s_wait);
    }

    [Fact]
    public async Task Peers_dropped_together_are_dropped_one_by_one_and_no_handler_runs_under_the_hub_s_lock()
    {
        // A spent server-wide budget drops every peer over its fair share on its next record. A leave is such a record
        // for every other member, so one drop announced under the membership lock used to drop the next peer inside it,
        // and raise its handlers there, and announce its leave from there: one stack frame chain per dropped peer (a hub
        // of 10,000 whose peers all left at once overflowed its stack and died). Silent peers fill their kernel buffers
        // first; then the backlog counts.
        const int silentCount = 12;
        await using LiveServer live = LiveServer.Start(new ChatOptions
        {
            ServerOutput = 1 << 20,
            FairShare = 17 * 1024,
            PeerOutput = 64 << 20,
            IdleTimeout = TimeSpan.FromMinutes(10),
        });
        var underLock = new ConcurrentQueue<string>();
        int raised = 0;
        void Check(string what)
        {
            Interlocked.Increment(ref raised);
            string stack = Environment.StackTrace;
            if (System.Text.RegularExpressions.Regex.IsMatch(stack, @"HubMembership\.(AnnounceLocked|Join|Leave|Rename)\("))
            {
                underLock.Enqueue($"{what} raised inside the hub's membership:\n{stack}");
            }
        }

        live.Server.Failed += (peer, _) => Check($"Failed {peer.Name}");
        live.Server.PresenceChanged += notice => Check($"{notice.Kind} {notice.Name}");
        var silent = new List<RawClient>();
        try
        {
            // Room text reaches only the room's group members (PROTOCOL.md 4.8): each silent peer offers a key package
            // and is added to #lobby's group by the operator (it never reads the Welcome), so every broadcast is a
            // GroupRelay to each of them.
            for (int i = 0; i < silentCount; i++)
            {
                silent.Add(await JoinGroupAsync(live, $"silent{i}"));
            }

            await Eventually.True(
                () => live.Server.GroupOf(s_lobby).Epoch >= silentCount,
                "every silent peer to be in #lobby's group with the operator",
                TimeSpan.FromMinutes(2));
            string text = new('w', ChatOptions.MaxMessageBytes - 64);
            long sent = 0;
            while (live.Failures.Count < silentCount)
            {
                sent.ShouldBeLessThan(FloodBytesMax * 4, "the silent peers were never dropped");
                live.Server.Broadcast(text).ShouldBe(silentCount, "every silent peer is one of #lobby's other members");
                sent += text.Length * (long)silentCount;
                if (sent % (4 << 20) < text.Length * (long)silentCount)
                {
                    await Task.Delay(1); // let the writers hand what they can to the kernel
                }
            }

            await Eventually.True(() => live.Server.Peers.Count == 0, "every dropped peer to leave the hub", s_wait);
            live.Failures.ShouldAllBe(f => f.Failure.Reason == FailureReason.PeerTooSlow);
            underLock.ShouldBeEmpty();
            raised.ShouldBeGreaterThanOrEqualTo(silentCount, "every drop was raised");
            await live.ShouldStillServeAnHonestClient(s_wait);
        }
        finally
        {
            foreach (RawClient client in silent)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_nick_flood_is_cut_and_the_others_hear_of_no_more_renames_than_the_burst()
    {
        await using LiveServer live = LiveServer.Start();
        var notices = new ConcurrentQueue<PresenceNotice>();
        await using var observer = new ChatClient(new ChatOptions { Name = "observer" });
        observer.PresenceChanged += notices.Enqueue;
        await observer.ConnectAsync("127.0.0.1", live.Port).WaitAsync(s_wait);
        await using RawClient flooder = await ConnectAsync(live);

        // 200 renames in one write, as fast as the server can read them.
        var frames = new List<byte>();
        for (int i = 0; i < 200; i++)
        {
            frames.AddRange(flooder.ProduceChat(c => c.SendNick($"flood{i}")));
        }

        await flooder.SendAsync([.. frames]);

        SessionFailure failure = await live.FailureFor(flooder.LocalPort, s_wait);
        failure.Reason.ShouldBe(FailureReason.ProtocolViolation);
        failure.Message.ShouldContain("a flood of name changes");
        (await flooder.ServerClosesAsync(s_wait)).ShouldBeTrue();
        await Eventually.True(() => live.Server.Peers.Count == 1, "the flooder to leave the hub", s_wait);

        // Held notices are sealed before any chat, so once this arrives the observer has heard everything (a join
        // and a leave the observer had not been sent yet cancel out: it may hear nothing at all).
        var marker = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        observer.MessageReceived += m => marker.TrySetResult();
        await live.Server.SendAsync("marker");
        await marker.Task.WaitAsync(s_wait);
        // Who the notices are about, by identity (v2 presence carries it): the flooder joined under its handshake name.
        string flooderIdentity = IdentityFingerprint.Of(flooder.Session.Settings.Identity.PublicKey);
        PresenceNotice[] aboutFlooder = [.. notices.Where(n => n.Identity == flooderIdentity)];
        aboutFlooder.Count(n => n.Kind != PresenceKind.Away).ShouldBeLessThanOrEqualTo(new ChatOptions().NickBurst, "joined (under its handshake name) plus the renames within the burst, which counts the first name");
        aboutFlooder.Count(n => n.Kind == PresenceKind.Away).ShouldBe(aboutFlooder.Any(n => n.Kind == PresenceKind.Joined) ? 1 : 0, "told it is away (it stays in its rooms) exactly when told of the join");
        await live.ShouldStillServeAnHonestClient(s_wait);
    }

    [Fact]
    public async Task A_peer_whose_socket_takes_nothing_for_the_write_timeout_is_dropped_even_under_its_budget()
    {
        await using LiveServer live = LiveServer.Start(new ChatOptions
        {
            PeerOutput = 256 << 20,
            WriteTimeout = TimeSpan.FromSeconds(1),
            TickInterval = TimeSpan.FromMilliseconds(250),
        });
        await using RawClient silent = await JoinAsync(live, "silent");
        await using RawClient flooder = await JoinAsync(live, "flooder");

        // More than the kernel buffers hold on loopback (about 4 MiB to send, 128 KiB to receive), far under the budget.
        long relayed = 0;
        string text = new('w', ChatOptions.MaxMessageBytes - 64);
        while (relayed < 16 << 20)
        {
            await flooder.SendAsync(flooder.ProduceChat(c => c.SendChat("#lobby", text)));
            relayed += text.Length;
        }

        var stopped = DateTime.UtcNow;
        (await live.FailureFor(silent.LocalPort, s_wait)).Reason.ShouldBe(FailureReason.PeerTooSlow);
        (DateTime.UtcNow - stopped).ShouldBeLessThan(TimeSpan.FromSeconds(15));
        await Eventually.True(() => !live.Server.Peers.Any(p => LiveServer.PortOf(p) == silent.LocalPort), "the stalled peer to leave the hub", TimeSpan.FromSeconds(5));
        await live.ShouldStillServeAnHonestClient(s_wait);
    }

    /// <summary>A raw client that completed the handshake (and reads nothing unless told to).</summary>
    internal static async Task<RawClient> ConnectAsync(LiveServer live)
    {
        RawClient client = await RawClient.ConnectAsync(live.Port).WaitAsync(s_wait);
        (await client.HandshakeAsync().WaitAsync(s_wait)).ShouldBeTrue();
        return client;
    }

    /// <summary>A raw client that completed the handshake and joined under <paramref name="name"/>.</summary>
    internal static async Task<RawClient> JoinAsync(LiveServer live, string name)
    {
        RawClient client = await ConnectAsync(live);
        await client.SendAsync(client.ProduceChat(c => c.SendNick(name)));
        await Eventually.True(() => live.Server.Peers.Any(p => p.Name == name), $"{name} to join", s_wait);
        return client;
    }

    /// <summary>
    /// A raw client that completed the handshake as <paramref name="name"/> with an identity that is its MLS signature key,
    /// and offered the hub a last-resort key package, so the hub's operator adds it to #lobby's group.
    /// </summary>
    private static async Task<RawClient> JoinGroupAsync(LiveServer live, string name)
    {
        var keys = new DsMember(name);
        var settings = new SessionSettings { Role = SessionRole.Client, Identity = new SeededSigner(keys.SignaturePrivateKey), Name = name };
        RawClient client = await RawClient.ConnectAsync(live.Port, settings).WaitAsync(s_wait);
        (await client.HandshakeAsync().WaitAsync(s_wait)).ShouldBeTrue();
        await client.SendAsync(client.ProduceChat(c => c.Groups.SendKeyPackages([keys.NewKeyPackage(TimeProvider.System)], lastResort: true)));
        await Eventually.True(() => live.Server.Peers.Any(p => p.Name == name), $"{name} to join", s_wait);
        return client;
    }

    /// <summary>Reads and discards frames until the server closes the connection (a peer that keeps up with its output).</summary>
    /// <summary>Reads and discards what the hub sends; <paramref name="onFrame"/> is told of each presence notice (the hub's acknowledgements are not counted).</summary>
    private static Task DrainAsync(RawClient client, Action? onFrame = null) => Task.Run(async () =>
    {
        while (await client.ReadFrameAsync(TimeSpan.FromMinutes(5)) is { } frame)
        {
            if (frame[0] == (byte)FrameType.Presence)
            {
                onFrame?.Invoke();
            }
        }
    });

    /// <summary>Sends the largest chat messages until <paramref name="done"/>; returns the plaintext bytes sent.</summary>
    private static async Task<long> FloodChatUntilAsync(RawClient flooder, Func<bool> done)
    {
        string text = new('f', ChatOptions.MaxMessageBytes - 64);
        long sent = 0;
        while (!done())
        {
            sent.ShouldBeLessThan(FloodBytesMax, "the flood never had the effect the limit promises");
            for (int i = 0; i < 16; i++)
            {
                await flooder.SendAsync(flooder.ProduceChat(c => c.SendChat("#lobby", text)));
                sent += text.Length;
            }

            await Task.Delay(5);
        }

        return sent;
    }

    /// <summary>A 64-byte name, different for each <paramref name="n"/>.</summary>
    /// <summary>A distinct name as long as the name rules allow (32 visible characters), so each notice is as large as it can be.</summary>
    private static string LongName(char c, long n) => $"{n:D12}".PadRight(NameRules.NameTextElementsMax, c);
}
