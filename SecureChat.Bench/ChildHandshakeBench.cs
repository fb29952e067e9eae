using System.Diagnostics;
using System.Globalization;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Bench;

/// <summary>
/// The handshake as in real use: the server in another process (<see cref="BenchServerProcess"/>, protocol v2 with
/// its own Ed25519 identity and trust files in a temporary directory), the client here with its own identity and trust
/// files, default options (ffdhe2048, PBKDF2 100,000). Before each handshake, the baseline "two PBKDF2 at once"
/// (<see cref="Pbkdf2Pair"/>) is sampled, so both see the same machine from one moment to the next. Each handshake is
/// timed from the start of the TCP connect until <see cref="ChatClient.ConnectAsync"/> returns (the client is secure;
/// the server is half a round trip later). The stage timestamps of both ends give the timeline.
/// </summary>
internal static class ChildHandshakeBench
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    internal sealed record Result(Samples Handshake, Samples Pair, IReadOnlyList<(string Phase, double MedianMs)> Phases, int Puzzles, string ServerStats);

    private static readonly string[] s_phases =
    [
        "TCP connect + ClientHello sent",
        "ServerHello, Commit, KeyShare; client's Reveal sent",
        "Reveal reaches the server",
        "client: validate, agree, PBKDF2",
        "server: validate, agree, PBKDF2",
        "later PBKDF2 end -> client secure (ServerAuth/ClientAuth: sign, verify, trust files)",
        "client secure -> ConnectAsync returns",
        "client secure -> server secure",
        "handshake - same round's PBKDF2 pair",
    ];

    public static async Task<Result> MeasureAsync(BenchSettings settings)
    {
        using BenchIdentity identity = BenchIdentity.Create();
        using Process child = BenchChild.Start(BenchServerProcess.HandshakeFlag);
        using var pair = new Pbkdf2Pair();
        try
        {
            int port = int.Parse(await ReadLineAsync(child, s_timeout).ConfigureAwait(false), CultureInfo.InvariantCulture);
            var handshakes = new Samples(settings.HandshakeIterations);
            var pairs = new Samples(settings.HandshakeIterations);
            Samples[] phases = [.. s_phases.Select(_ => new Samples(settings.HandshakeIterations))];
            int puzzles = 0;
            for (int i = 0; i < settings.HandshakeWarmup + settings.HandshakeIterations; i++)
            {
                double pairMs = pair.MeasureOnce();
                var client = new ChatClient(identity.ForClient(new ChatOptions { Name = "bench-client" }));
                long[] stamps = new long[(int)SessionStage.Failed + 1];
                client.StageChanged += peer =>
                {
                    long now = Stopwatch.GetTimestamp();
                    Interlocked.CompareExchange(ref stamps[(int)peer.Stage], now, 0);
                    if (peer.Stage == SessionStage.SolvingPuzzle)
                    {
                        Interlocked.Increment(ref puzzles);
                    }
                };

                long start = Stopwatch.GetTimestamp();
                await client.ConnectAsync("127.0.0.1", port).WaitAsync(s_timeout).ConfigureAwait(false);
                long returned = Stopwatch.GetTimestamp();
                string line = await ReadLineAsync(child, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
                await client.DisposeAsync().AsTask().WaitAsync(s_timeout).ConfigureAwait(false);
                if (i >= settings.HandshakeWarmup)
                {
                    double ms = Stopwatch.GetElapsedTime(start, returned).TotalMilliseconds;
                    handshakes.Add(ms);
                    pairs.Add(pairMs);
                    long[] server = ParseServerLine(line);
                    long C(SessionStage stage) => stamps[(int)stage] != 0 ? stamps[(int)stage] : start;
                    double Ms(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;
                    (long sDeriving, long sConfirming, long sSecure) = (server[2], server[3], server[4]);
                    phases[0].Add(Ms(start, C(SessionStage.ExchangingKeys)));
                    phases[1].Add(Ms(C(SessionStage.ExchangingKeys), C(SessionStage.DerivingKey)));
                    phases[2].Add(Ms(C(SessionStage.DerivingKey), sDeriving));
                    phases[3].Add(Ms(C(SessionStage.DerivingKey), C(SessionStage.Confirming)));
                    phases[4].Add(Ms(sDeriving, sConfirming));
                    phases[5].Add(Ms(Math.Max(C(SessionStage.Confirming), sConfirming), C(SessionStage.Secure)));
                    phases[6].Add(Ms(C(SessionStage.Secure), returned));
                    phases[7].Add(Ms(C(SessionStage.Secure), sSecure));
                    phases[8].Add(ms - pairMs);
                }

                // Let the server finish closing this link before the next baseline sample.
                await Task.Delay(20).ConfigureAwait(false);
            }

            await child.StandardInput.WriteLineAsync("stats").ConfigureAwait(false);
            await child.StandardInput.FlushAsync().ConfigureAwait(false);
            string stats = await ReadLineAsync(child, s_timeout).ConfigureAwait(false);
            return new Result(handshakes, pairs, [.. s_phases.Select((name, index) => (name, phases[index].Median))], puzzles, stats);
        }
        finally
        {
            await StopAsync(child).ConfigureAwait(false);
        }
    }

    /// <summary>The server's stage timestamps from its <c>secure ...</c> line (Connected, ExchangingKeys, DerivingKey, Confirming, Secure).</summary>
    private static long[] ParseServerLine(string line)
    {
        string[] parts = line.Split(' ');
        if (parts.Length != 6 || parts[0] != "secure")
        {
            throw new InvalidOperationException($"the handshake server said '{line}'");
        }

        return [.. parts.Skip(1).Select(p => long.Parse(p, CultureInfo.InvariantCulture))];
    }

    internal static async Task<string> ReadLineAsync(Process child, TimeSpan timeout)
    {
        string? line = await child.StandardOutput.ReadLineAsync().WaitAsync(timeout).ConfigureAwait(false);
        return line ?? throw new InvalidOperationException("the server process ended early");
    }

    /// <summary>Closes the child's standard input (its signal to stop) and waits for it, killing it after 15 s.</summary>
    internal static async Task StopAsync(Process child)
    {
        try
        {
            child.StandardInput.Close();
        }
        catch (IOException)
        {
        }

        try
        {
            await child.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            child.Kill(entireProcessTree: true);
        }
    }
}
