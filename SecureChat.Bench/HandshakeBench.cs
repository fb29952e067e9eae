using System.Diagnostics;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Bench;

/// <summary>
/// Full SecureChat handshakes over 127.0.0.1 at the default settings (ffdhe2048, PBKDF2 100,000), client and
/// server in this process, a fresh TCP connection each time: one at a time for latency, then many at once
/// for the rate. The server's per-source limits are raised (<see cref="LoopbackSource.FromOneSource"/>): every
/// client here comes from 127.0.0.1, faster than one address may start handshakes without a puzzle.
/// </summary>
internal static class HandshakeBench
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Wall time from starting the TCP connect until both ends are secure (the client's ConnectAsync returned
    /// and the server raised Established for that link). Closing is not timed.
    /// </summary>
    /// <summary>
    /// Also returns a timeline: the median of each phase, from the time each side raised StageChanged (so each
    /// includes the event dispatch, a few microseconds).
    /// </summary>
    public static async Task<(Samples Total, IReadOnlyList<(string Phase, double MedianMs)> Phases)> MeasureLatencyAsync(BenchSettings settings)
    {
        await using var server = new ChatServer(new ChatOptions { Name = "bench-server" }.FromOneSource());
        TaskCompletionSource? serverSecure = null;
        var stamps = new Dictionary<(bool Server, SessionStage Stage), long>();
        server.Established += _ => Volatile.Read(ref serverSecure)?.TrySetResult();
        server.StageChanged += peer => Stamp(stamps, true, peer.Stage);
        var endPoint = server.Start("127.0.0.1", 0);
        var samples = new Samples(settings.HandshakeIterations);
        string[] names =
        [
            "TCP connect + ClientHello sent (client)",
            "hello, commit, key shares, Reveal sent (key pairs precomputed)",
            "Reveal reaches the server and is checked",
            "client DH agree + PBKDF2 (+ wait for a core)",
            "server DH agree + PBKDF2 (+ wait for a core)",
            "Finished exchange after both PBKDF2",
        ];
        var phases = names.Select(_ => new Samples(settings.HandshakeIterations)).ToArray();
        for (int i = 0; i < settings.HandshakeWarmup + settings.HandshakeIterations; i++)
        {
            var secure = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref serverSecure, secure);
            lock (stamps)
            {
                stamps.Clear();
            }

            var client = new ChatClient(new ChatOptions { Name = "bench-client" });
            client.StageChanged += peer => Stamp(stamps, false, peer.Stage);
            long start = Stopwatch.GetTimestamp();
            await client.ConnectAsync("127.0.0.1", endPoint.Port).WaitAsync(s_timeout).ConfigureAwait(false);
            await secure.Task.WaitAsync(s_timeout).ConfigureAwait(false);
            double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            await client.DisposeAsync().AsTask().WaitAsync(s_timeout).ConfigureAwait(false);
            long end = start + (long)(ms / 1000 * Stopwatch.Frequency);
            if (i >= settings.HandshakeWarmup)
            {
                samples.Add(ms);
                lock (stamps)
                {
                    long T(bool onServer, SessionStage stage) => stamps.TryGetValue((onServer, stage), out long t) ? t : start;
                    double Ms(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;
                    long clientHello = T(false, SessionStage.ExchangingKeys);
                    long clientAgreed = T(false, SessionStage.DerivingKey);
                    long serverAgreed = T(true, SessionStage.DerivingKey);
                    long clientDerived = T(false, SessionStage.Confirming);
                    long serverDerived = T(true, SessionStage.Confirming);
                    phases[0].Add(Ms(start, clientHello));
                    phases[1].Add(Ms(clientHello, clientAgreed));
                    phases[2].Add(Ms(clientAgreed, serverAgreed));
                    phases[3].Add(Ms(clientAgreed, clientDerived));
                    phases[4].Add(Ms(serverAgreed, serverDerived));
                    phases[5].Add(Ms(Math.Max(clientDerived, serverDerived), end));
                }
            }
        }

        await server.StopAsync().WaitAsync(s_timeout).ConfigureAwait(false);
        return (samples, names.Select((name, index) => (name, phases[index].Median)).ToList());
    }

    private static void Stamp(Dictionary<(bool Server, SessionStage Stage), long> stamps, bool onServer, SessionStage stage)
    {
        long now = Stopwatch.GetTimestamp();
        lock (stamps)
        {
            stamps.TryAdd((onServer, stage), now);
        }
    }

    /// <summary>
    /// Handshakes per second: <see cref="BenchSettings.ConcurrentHandshakes"/> clients, at most
    /// <see cref="BenchSettings.HandshakeConcurrency"/> in their handshake at once, against one server.
    /// Both ends run their PBKDF2 on this machine's cores. Returns the rate and how many failed.
    /// </summary>
    public static async Task<(double PerSecond, int Failed)> MeasureRateAsync(BenchSettings settings)
    {
        var options = new ChatOptions { Name = "bench-server", MaxHandshakes = settings.ConcurrentHandshakes + 64 }.FromOneSource();
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
