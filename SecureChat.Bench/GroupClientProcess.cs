using System.Diagnostics;
using System.Globalization;
using SecureChat.Engine.Groups;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Transport;

namespace SecureChat.Bench;

/// <summary>
/// The MLS room benchmark's other process (<c>--group-client PORT COUNT ITERATIONS</c>): connects COUNT members, each
/// a <see cref="ChatClient"/> with its own group book, as any member is (PROTOCOL.md 4.8, 4.9): it publishes key
/// packages once its link is secure, is added to <c>#lobby</c>'s group by the hub's operator, and joins
/// <see cref="Room"/>, whose group the first member founds; the hub tasks a member of that group with the others' adds,
/// and each joiner joins from its Welcome. It prints <c>ready MS MEMBERS</c> once every member is in both groups at one
/// epoch (forming them took MS), or <c>failed REASON</c>. Then each <c>send</c> line makes the first member send one
/// text of <see cref="Text"/> to the room (a PrivateMessage in a GroupMessage), and it prints <c>received</c> when every
/// other member has decrypted it. <c>quit</c> (or the end of standard input) closes all.
/// </summary>
internal static class GroupClientProcess
{
    public const string Flag = "--group-client";

    public const string Room = "#bench";

    /// <summary>The sender's name, which each GroupRelay carries (the floor's records are sealed at that size).</summary>
    public const string SenderName = "g00000";

    public const string Text = "fan-out of one message to every member of the room's group: 64 bytes";

    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(600);

    public static async Task<int> RunAsync(string[] args)
    {
        int port = int.Parse(args[1], CultureInfo.InvariantCulture);
        int count = int.Parse(args[2], CultureInfo.InvariantCulture);
        int iterations = int.Parse(args[3], CultureInfo.InvariantCulture);
        long messages = 0;
        long target = long.MaxValue;
        var arrived = new SemaphoreSlim(0);
        var clients = new ChatClient[count];
        var formed = Stopwatch.StartNew();
        try
        {
            using var gate = new SemaphoreSlim(8);
            await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
            {
                await gate.WaitAsync().ConfigureAwait(false);
                try
                {
                    clients[i] = await ConnectAsync(i, port, iterations, () =>
                    {
                        if (Interlocked.Increment(ref messages) == Interlocked.Read(ref target))
                        {
                            arrived.Release();
                        }
                    }).ConfigureAwait(false);
                    if ((i + 1) % 100 == 0)
                    {
                        Console.Error.WriteLine($"  group: {i + 1} connected, {formed.Elapsed.TotalSeconds:F0} s");
                    }
                }
                finally
                {
                    gate.Release();
                }
            })).WaitAsync(s_limit).ConfigureAwait(false);
            Console.Error.WriteLine($"  group: {count} members connected in {formed.Elapsed.TotalSeconds:F1} s");

            // The founder enters first (RoomInfo entered with the founder flag: its book founds the group at epoch 0);
            // the others join once the group exists, and the hub tasks a member of it with their adds.
            var room = GroupTarget.ForRoom(Room);
            clients[0].Request(new RoomRequest(RoomOp.Join, Room));
            await UntilAsync(() => clients[0].GroupOf(room).Status == MemberGroupStatus.Member, "the founder's group", formed).ConfigureAwait(false);
            for (int i = 1; i < count; i++)
            {
                clients[i].Request(new RoomRequest(RoomOp.Join, Room));
            }

            var lobby = GroupTarget.ForRoom(ChatEndpoint.Lobby);
            await UntilAsync(() => OneEpoch(clients, room) && OneEpoch(clients, lobby), "every member in both groups at one epoch", formed).ConfigureAwait(false);
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ready {formed.Elapsed.TotalMilliseconds:F1} {count}"));

            while (await Console.In.ReadLineAsync().WaitAsync(s_limit).ConfigureAwait(false) is { } command && command != "quit")
            {
                Interlocked.Exchange(ref target, Interlocked.Read(ref messages) + count - 1);
                await clients[0].SendAsync(Room, Text).ConfigureAwait(false);
                if (!await arrived.WaitAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false))
                {
                    Console.Out.WriteLine($"failed {Interlocked.Read(ref messages)} of {Interlocked.Read(ref target)} texts arrived");
                    return 1;
                }

                Console.Out.WriteLine("received");
            }
        }
        catch (TimeoutException e)
        {
            Console.Out.WriteLine($"failed {e.Message}");
        }
        finally
        {
            await Task.WhenAll(clients.Where(c => c is not null).Select(c => c.DisposeAsync().AsTask())).WaitAsync(TimeSpan.FromSeconds(120)).ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>
    /// One member, connected: a handshake lost to the machine's load (a two-core box running the hub and every member)
    /// is made again, up to three times, so the room has every member it was asked for.
    /// </summary>
    private static async Task<ChatClient> ConnectAsync(int index, int port, int iterations, Action roomText)
    {
        for (int attempt = 1; ; attempt++)
        {
            var client = new ChatClient(new ChatOptions
            {
                Name = $"g{index:D5}",
                HandshakeTimeout = HubBench.HandshakeTimeout,
                HandshakeStepTimeout = HubBench.HandshakeTimeout,
                Iterations = iterations,
                AllowWeakIterationsForBenchmark = true,
            });
            client.MessageReceived += m =>
            {
                if (m.Room == Room)
                {
                    roomText();
                }
            };
            try
            {
                await client.ConnectAsync("127.0.0.1", port).WaitAsync(s_limit).ConfigureAwait(false);
                return client;
            }
            catch (ChatConnectionException e) when (attempt < 3)
            {
                Console.Error.WriteLine($"  group: member {index}: {e.Message}; connecting again");
                await client.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Every member is in <paramref name="target"/>'s group, and all at the same epoch (nothing left to process).</summary>
    private static bool OneEpoch(ChatClient[] clients, GroupTarget target)
    {
        (MemberGroupStatus status, ulong? epoch, _) = clients[0].GroupOf(target);
        return status == MemberGroupStatus.Member && clients.All(c => c.GroupOf(target) is { Status: MemberGroupStatus.Member } g && g.Epoch == epoch);
    }

    private static async Task UntilAsync(Func<bool> condition, string what, Stopwatch formed)
    {
        long shown = Stopwatch.GetTimestamp();
        while (!condition())
        {
            if (formed.Elapsed > s_limit)
            {
                throw new TimeoutException($"{what}: not after {formed.Elapsed.TotalSeconds:F0} s");
            }

            await Task.Delay(50).ConfigureAwait(false);
            if (Stopwatch.GetElapsedTime(shown) > TimeSpan.FromSeconds(10))
            {
                shown = Stopwatch.GetTimestamp();
                Console.Error.WriteLine($"  group: waiting for {what}, {formed.Elapsed.TotalSeconds:F0} s");
            }
        }
    }
}
