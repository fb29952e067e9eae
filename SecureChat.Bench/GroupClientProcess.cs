using System.Diagnostics;
using System.Globalization;
using System.Text;
using SecureChat.Engine.Transport;

namespace SecureChat.Bench;

/// <summary>
/// The MLS room benchmark's other process (<c>--group-client PORT COUNT ITERATIONS</c>): connects COUNT members, each
/// an honest v4 client (<see cref="BenchGroupMember"/>): it publishes its key packages once connected, then joins
/// <see cref="Room"/>; the first founds the room's group and carries out the hub's GroupTasks with real commits, so
/// every member is in the hub's roster of the group. It prints <c>ready MS MEMBERS</c> once the founder's group has
/// every member (forming it took MS) or <c>failed REASON</c>. Then each <c>v4</c> line makes the founder send one
/// PrivateMessage of <see cref="Text"/> to the group, and each <c>v3</c> line one room message of the same text; it
/// prints <c>received</c> when every other member has it. <c>quit</c> (or the end of standard input) closes all.
/// </summary>
internal static class GroupClientProcess
{
    public const string Flag = "--group-client";

    public const string Room = "#bench";

    public const string Text = "fan-out of one message to every member of the room's group: 64 bytes";

    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(300);

    public static async Task<int> RunAsync(string[] args)
    {
        int port = int.Parse(args[1], CultureInfo.InvariantCulture);
        int count = int.Parse(args[2], CultureInfo.InvariantCulture);
        int iterations = int.Parse(args[3], CultureInfo.InvariantCulture);
        long relays = 0;
        long messages = 0;
        long target = 0;
        var arrived = new SemaphoreSlim(0);
        void Count(ref long counter)
        {
            if (Interlocked.Increment(ref counter) == Interlocked.Read(ref target))
            {
                arrived.Release();
            }
        }

        var members = new BenchGroupMember[count];
        var clients = new ChatClient[count];
        var founded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var formed = Stopwatch.StartNew();
        try
        {
            using var gate = new SemaphoreSlim(8);
            await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
            {
                await gate.WaitAsync().ConfigureAwait(false);
                try
                {
                    var member = new BenchGroupMember(Room, () => Count(ref relays));
                    var client = new ChatClient(new ChatOptions { Name = $"g{i:D5}", Identity = member, Iterations = iterations, AllowWeakIterationsForBenchmark = true });
                    client.MessageReceived += m =>
                    {
                        if (m.Room == Room)
                        {
                            Count(ref messages);
                        }
                    };
                    if (i == 0 && Environment.GetEnvironmentVariable("SECURECHAT_BENCH_VERBOSE") == "1")
                    {
                        client.Replied += reply => Console.Error.WriteLine($"  g00000: reply {reply}");
                        client.Failed += (_, failure) => Console.Error.WriteLine($"  g00000: failed {failure}");
                    }

                    client.RoomChanged += notice =>
                    {
                        if (i == 0 && Environment.GetEnvironmentVariable("SECURECHAT_BENCH_VERBOSE") == "1")
                        {
                            Console.Error.WriteLine($"  g00000: {notice.Kind} {notice.Room} founder={notice.Founder} group_id={notice.GroupId?.Length}");
                        }

                        if (notice.Kind == RoomNoticeKind.Entered && notice.Room == Room && notice.Founder)
                        {
                            member.Found(notice.GroupId!);
                            founded.TrySetResult();
                        }
                    };
                    members[i] = member;
                    await client.ConnectAsync("127.0.0.1", port).WaitAsync(s_limit).ConfigureAwait(false);
                    clients[i] = client;
                    await member.AttachAsync(client, keyPackages: 3).ConfigureAwait(false);
                }
                finally
                {
                    gate.Release();
                }
            })).WaitAsync(s_limit).ConfigureAwait(false);

            Console.Error.WriteLine($"  group: {count} members connected with key packages in {formed.Elapsed.TotalSeconds:F1} s");
            // The founder enters first; the others join once the group exists, and the hub tasks the founder with them.
            clients[0].Request(new RoomRequest(RoomOp.Join, Room));
            if (Environment.GetEnvironmentVariable("SECURECHAT_BENCH_VERBOSE") == "1")
            {
                await Task.Delay(3000).ConfigureAwait(false);
                Console.Error.WriteLine($"  g00000: {clients[0].Server?.Stage} heard {clients[0].RecordsHeard}");
            }

            await founded.Task.WaitAsync(s_limit).ConfigureAwait(false);
            for (int i = 1; i < count; i++)
            {
                clients[i].Request(new RoomRequest(RoomOp.Join, Room));
            }

            BenchGroupMember founder = members[0];
            long shown = Stopwatch.GetTimestamp();
            while (founder.Members < count && founder.Failure.Length == 0 && formed.Elapsed < s_limit)
            {
                await Task.Delay(20).ConfigureAwait(false);
                if (Stopwatch.GetElapsedTime(shown) > TimeSpan.FromSeconds(5))
                {
                    shown = Stopwatch.GetTimestamp();
                    Console.Error.WriteLine($"  group: {founder.Members} of {count} in the group after {formed.Elapsed.TotalSeconds:F1} s");
                }
            }

            if (founder.Members < count)
            {
                Console.Out.WriteLine($"failed {founder.Members} of {count} in the group after {formed.Elapsed.TotalSeconds:F1} s {founder.Failure}");
                return 1;
            }

            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ready {formed.Elapsed.TotalMilliseconds:F1} {founder.Members}"));
            byte[] text = Encoding.UTF8.GetBytes(Text);
            while (await Console.In.ReadLineAsync().WaitAsync(s_limit).ConfigureAwait(false) is { } command && command != "quit")
            {
                if (command == "v4")
                {
                    Interlocked.Exchange(ref target, Interlocked.Read(ref relays) + count - 1);
                    await founder.SendAsync(text).ConfigureAwait(false);
                }
                else
                {
                    Interlocked.Exchange(ref target, Interlocked.Read(ref messages) + count - 1);
                    await clients[0].SendAsync(Room, Text).ConfigureAwait(false);
                }

                await arrived.WaitAsync(s_limit).ConfigureAwait(false);
                Console.Out.WriteLine("received");
            }
        }
        catch (TimeoutException)
        {
            Console.Out.WriteLine("failed timeout");
        }
        finally
        {
            await Task.WhenAll(clients.Where(c => c is not null).Select(c => c.DisposeAsync().AsTask())).WaitAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            foreach (BenchGroupMember m in members.Where(m => m is not null))
            {
                m.Dispose();
            }
        }

        return 0;
    }
}
