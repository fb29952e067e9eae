using System.Diagnostics;
using System.Globalization;
using SecureChat.Engine.Transport;

namespace SecureChat.Bench;

/// <summary>
/// The hub benchmark's other process (<c>--hub-client PORT COUNT PARALLELISM ITERATIONS</c>): connects COUNT clients with
/// at most PARALLELISM handshakes at once, prints <c>ready MS FAILED</c>, then prints <c>received</c> each time
/// every client has one more chat message, and closes everything on <c>quit</c> (or when standard input ends).
/// Keeping the clients out of the server's process makes the server's memory per session its own.
/// </summary>
internal static class HubClientProcess
{
    public const string Flag = "--hub-client";

    public static async Task<int> RunAsync(string[] args)
    {
        int port = int.Parse(args[1], CultureInfo.InvariantCulture);
        int count = int.Parse(args[2], CultureInfo.InvariantCulture);
        int parallelism = int.Parse(args[3], CultureInfo.InvariantCulture);
        int iterations = int.Parse(args[4], CultureInfo.InvariantCulture);
        var clients = new ChatClient?[count];
        long received = 0;
        long connected = long.MaxValue;
        int failed = 0;
        int puzzles = 0;
        using var gate = new SemaphoreSlim(parallelism);

        // Two stages (a tenth, then the rest) so the server can tell its fixed growth from the cost per session.
        int first = Math.Max(1, count / 10);
        long start = Stopwatch.GetTimestamp();
        await ConnectAsync(0, first).ConfigureAwait(false);
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ready1 {Stopwatch.GetElapsedTime(start).TotalMilliseconds:F1} {Volatile.Read(ref failed)}"));
        if (await Console.In.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(10)).ConfigureAwait(false) is null)
        {
            return 1;
        }

        start = Stopwatch.GetTimestamp();
        await ConnectAsync(first, count).ConfigureAwait(false);
        double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        Interlocked.Exchange(ref connected, count - failed);
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ready {ms:F1} {failed}"));
        Console.Error.WriteLine($"EXPERIMENT puzzles {puzzles}");

        Task<string?> command = Console.In.ReadLineAsync();
        await Task.WhenAny(command, Task.Delay(TimeSpan.FromMinutes(10))).ConfigureAwait(false);
        await Task.WhenAll(clients.Where(c => c is not null).Select(c => c!.DisposeAsync().AsTask()))
            .WaitAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        return 0;

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
                        // Distinct names: the hub makes names unique, and a crowd of equal names costs it a search each.
                        var client = new ChatClient(new ChatOptions { Name = $"c{index:D5}", HandshakeTimeout = HubBench.HandshakeTimeout, Iterations = iterations, AllowWeakIterationsForBenchmark = true });
                        client.StageChanged += p =>
                        {
                            if (p.Stage == SecureChat.Engine.Session.SessionStage.SolvingPuzzle)
                            {
                                Interlocked.Increment(ref puzzles);
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
                        await client.ConnectAsync("127.0.0.1", port).WaitAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
                        clients[index] = client;
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

            await Task.WhenAll(all).WaitAsync(TimeSpan.FromMinutes(10)).ConfigureAwait(false);
        }
    }
}
