using System.Diagnostics;
using SecureChat.Engine.Transport;

namespace SecureChat.Bench;

/// <summary>
/// Full SecureChat handshakes over 127.0.0.1 at the default settings (ffdhe2048, PBKDF2 100,000), client and
/// server in this process, a fresh TCP connection each time: one at a time for latency, then many at once
/// for the rate.
/// </summary>
internal static class HandshakeBench
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Wall time from starting the TCP connect until both ends are secure (the client's ConnectAsync returned
    /// and the server raised Established for that link). Closing is not timed.
    /// </summary>
    public static async Task<Samples> MeasureLatencyAsync(BenchSettings settings)
    {
        await using var server = new ChatServer(new ChatOptions { Name = "bench-server" });
        TaskCompletionSource? serverSecure = null;
        server.Established += _ => Volatile.Read(ref serverSecure)?.TrySetResult();
        var endPoint = server.Start("127.0.0.1", 0);
        var samples = new Samples(settings.HandshakeIterations);
        for (int i = 0; i < settings.HandshakeWarmup + settings.HandshakeIterations; i++)
        {
            var secure = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref serverSecure, secure);
            var client = new ChatClient(new ChatOptions { Name = "bench-client" });
            long start = Stopwatch.GetTimestamp();
            await client.ConnectAsync("127.0.0.1", endPoint.Port).WaitAsync(s_timeout).ConfigureAwait(false);
            await secure.Task.WaitAsync(s_timeout).ConfigureAwait(false);
            double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            await client.DisposeAsync().AsTask().WaitAsync(s_timeout).ConfigureAwait(false);
            if (i >= settings.HandshakeWarmup)
            {
                samples.Add(ms);
            }
        }

        await server.StopAsync().WaitAsync(s_timeout).ConfigureAwait(false);
        return samples;
    }

    /// <summary>
    /// Handshakes per second: <see cref="BenchSettings.ConcurrentHandshakes"/> clients, at most
    /// <see cref="BenchSettings.HandshakeConcurrency"/> in their handshake at once, against one server.
    /// Both ends run their PBKDF2 on this machine's cores. Returns the rate and how many failed.
    /// </summary>
    public static async Task<(double PerSecond, int Failed)> MeasureRateAsync(BenchSettings settings)
    {
        var options = new ChatOptions { Name = "bench-server", MaxPendingHandshakes = settings.ConcurrentHandshakes + 64 };
        await using var server = new ChatServer(options);
        var endPoint = server.Start("127.0.0.1", 0);

        // Warm the paths (JIT) with a couple of handshakes first.
        for (int i = 0; i < 2; i++)
        {
            await using var warm = new ChatClient(new ChatOptions());
            await warm.ConnectAsync("127.0.0.1", endPoint.Port).WaitAsync(s_timeout).ConfigureAwait(false);
        }

        var clients = new ChatClient[settings.ConcurrentHandshakes];
        int failed = 0;
        using var gate = new SemaphoreSlim(settings.HandshakeConcurrency);
        long start = Stopwatch.GetTimestamp();
        Task[] all = new Task[clients.Length];
        for (int i = 0; i < clients.Length; i++)
        {
            int index = i;
            all[i] = Task.Run(async () =>
            {
                await gate.WaitAsync().ConfigureAwait(false);
                try
                {
                    var client = new ChatClient(new ChatOptions { Name = $"h{index:D4}" });
                    clients[index] = client;
                    await client.ConnectAsync("127.0.0.1", endPoint.Port).WaitAsync(s_timeout).ConfigureAwait(false);
                }
                catch (Exception e) when (e is ChatConnectionException or TimeoutException)
                {
                    Interlocked.Increment(ref failed);
                }
                finally
                {
                    gate.Release();
                }
            });
        }

        await Task.WhenAll(all).WaitAsync(TimeSpan.FromSeconds(300)).ConfigureAwait(false);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        await Task.WhenAll(clients.Where(c => c is not null).Select(c => c.DisposeAsync().AsTask())).WaitAsync(s_timeout).ConfigureAwait(false);
        await server.StopAsync().WaitAsync(s_timeout).ConfigureAwait(false);
        return ((clients.Length - failed) / seconds, failed);
    }
}
