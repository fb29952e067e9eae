using System.Diagnostics;
using System.Runtime;
using SecureChat.Engine.Transport;

namespace SecureChat.Bench;

/// <summary>
/// Round-trip latency of a 64-byte message, SecureChat against plain TCP (same 5-byte framing) and TLS 1.3
/// (<see cref="System.Net.Security.SslStream"/>), measured interleaved: the three connections stay open, and each
/// round takes a block of samples from each in turn, after a warmup of all three that lasts until the JIT has been
/// quiet for 0.5 s (at least <see cref="BenchSettings.RttWarmupTime"/>, at most four times that) (the order rotating from round to round), so a change in the
/// machine's speed hits all three alike. A figure is the median of the rounds' medians; the ratio to TLS is the median
/// of the rounds' ratios; p99 and the rest are over every sample. SecureChat: the client sends to #lobby, whose MLS
/// group the client and the hub's operator formed first (<see cref="SecureLink"/>): a PrivateMessage in a GroupMessage,
/// which the hub hands its operator's group book; the server's MessageReceived handler echoes with its SendAsync, a
/// PrivateMessage of the operator relayed to the client as a GroupRelay (PROTOCOL.md 4.8); each side renews its leaf with
/// a commit after every 100 texts it sends, as members do. Baselines: the client writes one frame and reads the echo.
/// </summary>
internal static class RttBench
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    /// <summary>The warmup ends once the JIT has compiled no method for this long.</summary>
    private static readonly TimeSpan s_jitQuiet = TimeSpan.FromSeconds(0.5);

    public sealed record Kind(string Name, Samples All, Samples Rounds);

    /// <summary>Lost round trips allowed before the measurement fails.</summary>
    private const int MaxLost = 10;

    /// <summary>A round trip whose echo has not come back after this long is lost.</summary>
    private static readonly TimeSpan s_lostAfter = TimeSpan.FromSeconds(5);

    public sealed record Result(Kind Secure, Kind Plain, Kind Tls, Samples RatioToTls, int Rounds, int Lost);

    public static async Task<Result> MeasureAsync(BenchSettings settings)
    {
        await using SecureLink link = await SecureLink.ConnectAsync().ConfigureAwait(false);
        ChatServer server = link.Server;
        server.MessageReceived += m => Echo(server, m.Text);
        // Each text carries its number, so a reply is matched to its own round trip; a round trip whose text or echo
        // does not arrive within the limit is counted as lost and another is made in its place.
        Tuple<string, TaskCompletionSource>? pending = null;
        link.Client.MessageReceived += m =>
        {
            if (Volatile.Read(ref pending) is { } p && p.Item1 == m.Text)
            {
                p.Item2.TrySetResult();
            }
        };
        string body = MessagingBench.Text(64);
        int number = 0;
        int lost = 0;
        async Task<double> SecureOnce()
        {
            while (true)
            {
                string text = (++number).ToString(System.Globalization.CultureInfo.InvariantCulture) + body[(number.ToString(System.Globalization.CultureInfo.InvariantCulture).Length)..];
                var reply = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Volatile.Write(ref pending, Tuple.Create(text, reply));
                long start = Stopwatch.GetTimestamp();
                await link.Client.SendAsync(text).ConfigureAwait(false);
                try
                {
                    await reply.Task.WaitAsync(s_lostAfter).ConfigureAwait(false);
                    return Stopwatch.GetElapsedTime(start).TotalMicroseconds;
                }
                catch (TimeoutException)
                {
                    if (++lost > MaxLost)
                    {
                        throw;
                    }

                    Console.Error.WriteLine($"  round trip {number} lost (no echo in {s_lostAfter.TotalSeconds:F0} s)");
                }
            }
        }

        await using LoopbackPair plain = await LoopbackPair.ConnectAsync(tls: false).ConfigureAwait(false);
        await using LoopbackPair tls = await LoopbackPair.ConnectAsync(tls: true).ConfigureAwait(false);
        using var stop = new CancellationTokenSource();
        Task plainEcho = Task.Run(() => MessagingBench.EchoLoopAsync(plain.Server, stop.Token));
        Task tlsEcho = Task.Run(() => MessagingBench.EchoLoopAsync(tls.Server, stop.Token));
        byte[] frame = Frames.Build(Frames.MessageType, System.Text.Encoding.UTF8.GetBytes(body));
        byte[] buffer = new byte[64 * 1024];
        Func<Task<double>> Baseline(Stream stream) => async () =>
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            long start = Stopwatch.GetTimestamp();
            await stream.WriteAsync(frame, deadline.Token).ConfigureAwait(false);
            await Frames.ReadOneAsync(stream, buffer, deadline.Token).ConfigureAwait(false);
            return Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        };

        var kinds = new (Kind Kind, Func<Task<double>> Once)[]
        {
            (new Kind("SecureChat", new Samples(settings.RttIterations), new Samples()), SecureOnce),
            (new Kind("TLS", new Samples(settings.RttIterations), new Samples()), Baseline(tls.Client)),
            (new Kind("plain", new Samples(settings.RttIterations), new Samples()), Baseline(plain.Client)),
        };
        // Warm up by count, then on until the JIT has compiled nothing for a while (at least RttWarmupTime in all, at most
        // four times that): tiered compilation optimizes the engine's code in the background some time after its first
        // calls, and a run of round trips alone was over before that on a busy machine (4.1 to 4.8 x TLS after 200
        // warmups, 2.3 to 2.6 x with every method compiled optimized at once).
        long warmupStart = Stopwatch.GetTimestamp();
        foreach ((_, Func<Task<double>> once) in kinds)
        {
            for (int i = 0; i < settings.RttWarmup; i++)
            {
                await once().ConfigureAwait(false);
            }
        }

        long compiled = JitInfo.GetCompiledMethodCount();
        long quietSince = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(warmupStart) < 4 * settings.RttWarmupTime &&
            (Stopwatch.GetElapsedTime(warmupStart) < settings.RttWarmupTime || Stopwatch.GetElapsedTime(quietSince) < s_jitQuiet))
        {
            foreach ((_, Func<Task<double>> once) in kinds)
            {
                for (int i = 0; i < 50; i++)
                {
                    await once().ConfigureAwait(false);
                }
            }

            if (JitInfo.GetCompiledMethodCount() is long now && now != compiled)
            {
                (compiled, quietSince) = (now, Stopwatch.GetTimestamp());
            }
        }

        var ratio = new Samples(settings.RttRounds);
        int each = Math.Max(1, settings.RttIterations / settings.RttRounds);
        for (int round = 0; round < settings.RttRounds; round++)
        {
            var medians = new double[kinds.Length];
            for (int k = 0; k < kinds.Length; k++)
            {
                int which = (round + k) % kinds.Length;
                var block = new Samples(each);
                for (int i = 0; i < each; i++)
                {
                    double us = await kinds[which].Once().ConfigureAwait(false);
                    block.Add(us);
                    kinds[which].Kind.All.Add(us);
                }

                medians[which] = block.Median;
                kinds[which].Kind.Rounds.Add(block.Median);
            }

            ratio.Add(medians[0] / medians[1]);
        }

        stop.Cancel();
        await plain.DisposeAsync().ConfigureAwait(false);
        await tls.DisposeAsync().ConfigureAwait(false);
        await Task.WhenAll(plainEcho, tlsEcho).WaitAsync(s_timeout).ConfigureAwait(false);
        return new Result(kinds[0].Kind, kinds[2].Kind, kinds[1].Kind, ratio, settings.RttRounds, lost);
    }

    private static void Echo(ChatServer server, string text)
    {
        ValueTask sent = server.SendAsync(text);
        if (!sent.IsCompletedSuccessfully)
        {
            _ = sent.AsTask();
        }
    }
}
