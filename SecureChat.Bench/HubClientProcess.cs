using System.Diagnostics;
using System.Globalization;
using SecureChat.Engine.Groups;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Bench;

/// <summary>
/// The hub benchmark's other process (<c>--hub-client PORT COUNT PARALLELISM ITERATIONS BUDGET_S DRAIN_S LIMIT_S</c>):
/// connects COUNT clients with at most PARALLELISM handshakes at once, in two stages (a tenth, then the rest, after the
/// server says <c>more</c>); no connect starts once BUDGET_S seconds of connecting have passed (the hub then measures
/// the sessions it has, and the bench stays within its own time limit), a drain lasts at most DRAIN_S, and every other
/// wait at most LIMIT_S. After each stage it waits until the presence announcements
/// are drained and every client is in its rooms' MLS groups, and prints <c>ready1 MS FAILED SKIPPED PUZZLES DRAIN_MS GOT
/// EXPECTED GROUP_MS</c> (then <c>ready ...</c>):
/// connecting took MS, FAILED clients failed, SKIPPED were not started for lack of time, PUZZLES puzzles were solved,
/// and DRAIN_MS after the last connect, GOT of the EXPECTED announcements had arrived; the groups were formed GROUP_MS
/// after that. Drained means every client has heard of
/// every other in <c>#lobby</c> (as Member or Joined, each exactly once), of the hub's operator there (Member) and of the
/// server (the Joined a client raises for it on connecting): n(n + 1) in all, after which none arrives for
/// <see cref="s_settle"/>; or nothing arrived for <see cref="s_quiet"/>. Then it prints <c>received</c> each time every client has
/// one more chat message, answers <c>join</c> and <c>part</c> (<see cref="HubJoinProbe"/>), and closes everything on
/// <c>quit</c> (or when standard input ends). Each client also joins its room of <see cref="HubRoomPlan"/> once connected. Keeping the clients
/// out of the server's process makes the server's memory per session its own.
/// </summary>
internal static class HubClientProcess
{
    public const string Flag = "--hub-client";

    /// <summary>Announcements count as drained when none has arrived for this long (some client failed, or was dropped).</summary>
    private static readonly TimeSpan s_quiet = TimeSpan.FromSeconds(5);

    /// <summary>Once all expected announcements are in, how long none more may arrive before they count as drained.</summary>
    private static readonly TimeSpan s_settle = TimeSpan.FromSeconds(0.5);

    /// <summary>How many joins the clients may be behind on average before the fill waits for them (see ConnectAsync).</summary>
    private const long MaxLag = 20;

    /// <summary>
    /// Which groups are not yet formed: <c>#lobby</c>'s (every client), <see cref="HubRoomPlan.BigRoom"/>'s (its first
    /// members) and each client's own room's; a group is formed when each of its members is in it at one epoch.
    /// Empty when all are.
    /// </summary>
    private static string Unformed(ChatClient?[] live, int count)
    {
        var rooms = new List<(string Room, IEnumerable<ChatClient?> Members)>
        {
            (ChatEndpoint.Lobby, live),
            (HubRoomPlan.BigRoom, live.Take(HubRoomPlan.BigRoomSize(count))),
        };
        rooms.AddRange(Enumerable.Range(0, HubRoomPlan.Rooms).Select(r => (HubRoomPlan.RoomOf(r), live.Where((_, i) => i % HubRoomPlan.Rooms == r))));
        foreach ((string room, IEnumerable<ChatClient?> members) in rooms)
        {
            var target = GroupTarget.ForRoom(room);
            var states = members.OfType<ChatClient>().Select(c => c.GroupOf(target)).ToList();
            int inGroup = states.Count(g => g.Status == MemberGroupStatus.Member);
            if (inGroup < states.Count || states.Select(g => g.Epoch).Distinct().Count() > 1)
            {
                return $"{room}: {inGroup} of {states.Count} in the group, epochs {string.Join(",", states.Select(g => g.Epoch).Distinct().Take(5))}";
            }
        }

        return string.Empty;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        int port = int.Parse(args[1], CultureInfo.InvariantCulture);
        int count = int.Parse(args[2], CultureInfo.InvariantCulture);
        int parallelism = int.Parse(args[3], CultureInfo.InvariantCulture);
        int iterations = int.Parse(args[4], CultureInfo.InvariantCulture);
        var budget = TimeSpan.FromSeconds(double.Parse(args[5], CultureInfo.InvariantCulture));
        var drainMax = TimeSpan.FromSeconds(double.Parse(args[6], CultureInfo.InvariantCulture));
        var limit = TimeSpan.FromSeconds(double.Parse(args[7], CultureInfo.InvariantCulture));
        var connecting = new Stopwatch();
        int skipped = 0;
        var clients = new ChatClient?[count];
        long received = 0;
        long connected = long.MaxValue;
        long presence = 0;
        int[] heard = new int[count]; // per client, for the diagnostics of a drain that ends short
        long joinedClients = 0;
        long lastPresence = Stopwatch.GetTimestamp();
        int failed = 0;
        int puzzles = 0;
        using var gate = new SemaphoreSlim(parallelism);

        // Two stages (a tenth, then the rest) so the server can tell its fixed growth from the cost per session.
        int first = Math.Max(1, count / 10);
        await StageAsync("ready1", 0, first).ConfigureAwait(false);
        if (await Console.In.ReadLineAsync().WaitAsync(limit).ConfigureAwait(false) is null)
        {
            return 1;
        }

        await StageAsync("ready", first, count).ConfigureAwait(false);
        Interlocked.Exchange(ref connected, count - failed - skipped);

        // Then timed joins of the big room by one client outside it, until quit (or the end of standard input).
        ChatClient? joiner = Enumerable.Range(HubRoomPlan.BigRoomSize(count), count - HubRoomPlan.BigRoomSize(count)).Select(i => clients[i]).LastOrDefault(c => c is not null);
        try
        {
            while (await Console.In.ReadLineAsync().WaitAsync(limit).ConfigureAwait(false) is { } command && command != "quit")
            {
                string answer = joiner is null ? "no joiner" : command switch
                {
                    "join" => await HubJoinProbe.JoinAsync(joiner, TimeSpan.FromSeconds(60)).ConfigureAwait(false),
                    "part" => await HubJoinProbe.PartAsync(joiner, TimeSpan.FromSeconds(60)).ConfigureAwait(false),
                    _ => $"unknown command {command}",
                };
                Console.Out.WriteLine(answer);
            }
        }
        catch (TimeoutException)
        {
            // Nobody told us to quit in time: close anyway.
        }

        await Task.WhenAll(clients.Where(c => c is not null).Select(c => c!.DisposeAsync().AsTask()))
            .WaitAsync(TimeSpan.FromSeconds(120)).ConfigureAwait(false);
        return 0;

        async Task StageAsync(string name, int from, int to)
        {
            long start = Stopwatch.GetTimestamp();
            connecting.Start();
            await ConnectAsync(from, to).ConfigureAwait(false);
            connecting.Stop();
            double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            long live = to - Volatile.Read(ref failed) - Volatile.Read(ref skipped);
            // Each hears of the n - 1 others in #lobby, of the operator there (Member) and of the server itself when it connects.
            long expected = live * (live + 1);
            long drainStart = Stopwatch.GetTimestamp();
            // The count alone can be reached early: a client that joins while another's join is being announced can hear
            // of it twice (Member, then Joined), so the last notices must also have stopped for a moment.
            while (Stopwatch.GetElapsedTime(drainStart) < drainMax &&
                (Interlocked.Read(ref presence) < expected
                    ? Stopwatch.GetElapsedTime(Interlocked.Read(ref lastPresence)) < s_quiet
                    : Stopwatch.GetElapsedTime(Interlocked.Read(ref lastPresence)) < s_settle))
            {
                await Task.Delay(20).ConfigureAwait(false);
            }

            double drainMs = Stopwatch.GetElapsedTime(drainStart).TotalMilliseconds;
            if (Interlocked.Read(ref presence) < expected)
            {
                var shortOnes = Enumerable.Range(0, to).Where(i => clients[i] is not null && Volatile.Read(ref heard[i]) < live).ToList();
                Console.Error.WriteLine($"  clients short of announcements: {shortOnes.Count} of {to}; e.g. " +
                    string.Join("; ", shortOnes.Take(6).Select(i => $"c{i:D5} heard {Volatile.Read(ref heard[i])} of {live}: {clients[i]!.Server?.Stage}")));
            }

            // Under v4 a member reads #lobby's text only once it is in the lobby's MLS group (PROTOCOL.md 4.8): the fan-out
            // and the timed joins start once every client is in each of its groups at the epoch the others are at.
            long groupStart = Stopwatch.GetTimestamp();
            ChatClient?[] stageClients = clients[..to];
            string unformed = string.Empty;
            while ((unformed = Unformed(stageClients, count)).Length > 0 && Stopwatch.GetElapsedTime(groupStart) < limit)
            {
                await Task.Delay(100).ConfigureAwait(false);
            }

            if (unformed.Length > 0)
            {
                Console.Error.WriteLine($"  groups not formed after {Stopwatch.GetElapsedTime(groupStart).TotalSeconds:F0} s: {unformed}");
            }

            double groupMs = Stopwatch.GetElapsedTime(groupStart).TotalMilliseconds;
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name} {ms:F1} {Volatile.Read(ref failed)} {Volatile.Read(ref skipped)} {Volatile.Read(ref puzzles)} {drainMs:F1} {Interlocked.Read(ref presence)} {expected} {groupMs:F1}"));
        }

        async Task ConnectAsync(int from, int to)
        {
            Task[] all = new Task[to - from];
            for (int i = from; i < to; i++)
            {
                int index = i;
                all[i - from] = Task.Run(async () =>
                {
                    await gate.WaitAsync().ConfigureAwait(false);
                    try
                    {
                        // Pace the fill to what this process can open. All the clients share the machine's two cores
                        // with the hub, and a hub drops members whose backlog grows past its output budget, as it
                        // should: a faster hub (or handshake) would otherwise fill faster than these clients read, and
                        // lose them. Wait while they are on average more than MaxLag joins behind.
                        long c;
                        while ((c = Interlocked.Read(ref joinedClients)) > 0 && c * c - Interlocked.Read(ref presence) > c * MaxLag && connecting.Elapsed <= budget)
                        {
                            await Task.Delay(5).ConfigureAwait(false);
                        }

                        if (connecting.Elapsed > budget)
                        {
                            Interlocked.Increment(ref skipped);
                            return;
                        }

                        // Distinct names: the hub makes names unique, and a crowd of equal names costs it a search each.
                        var client = new ChatClient(new ChatOptions { Name = $"c{index:D5}", HandshakeTimeout = HubBench.HandshakeTimeout, HandshakeStepTimeout = HubBench.HandshakeTimeout, Iterations = iterations, AllowWeakIterationsForBenchmark = true });
                        client.StageChanged += peer =>
                        {
                            if (peer.Stage == SessionStage.SolvingPuzzle)
                            {
                                Interlocked.Increment(ref puzzles);
                            }
                        };
                        client.PresenceChanged += notice =>
                        {
                            // The lobby's notices only (every client is in it): those of the other rooms come on top.
                            if (notice.Kind is PresenceKind.Member or PresenceKind.Joined && (notice.Room is null || notice.Room == ChatEndpoint.Lobby))
                            {
                                Interlocked.Increment(ref presence);
                                Interlocked.Increment(ref heard[index]);
                                Interlocked.Exchange(ref lastPresence, Stopwatch.GetTimestamp());
                            }
                        };
                        client.MessageReceived += _ =>
                        {
                            long n = Interlocked.Increment(ref received);
                            long of = Interlocked.Read(ref connected);
                            if (of > 0 && n % of == 0)
                            {
                                Console.Out.WriteLine("received");
                            }
                        };
                        await client.ConnectAsync("127.0.0.1", port).WaitAsync(HubBench.HandshakeTimeout).ConfigureAwait(false);
                        clients[index] = client;
                        Interlocked.Increment(ref joinedClients);
                        client.Request(new RoomRequest(RoomOp.Join, HubRoomPlan.RoomOf(index)));
                        if (index < HubRoomPlan.BigRoomSize(count))
                        {
                            client.Request(new RoomRequest(RoomOp.Join, HubRoomPlan.BigRoom));
                        }
                    }
                    catch (Exception e) when (e is ChatConnectionException or TimeoutException)
                    {
                        if (Interlocked.Increment(ref failed) <= 5)
                        {
                            Console.Error.WriteLine($"hub client {index}: {e.Message}");
                        }
                    }
                    finally
                    {
                        gate.Release();
                    }
                });
            }

            await Task.WhenAll(all).WaitAsync(limit).ConfigureAwait(false);
        }
    }
}
