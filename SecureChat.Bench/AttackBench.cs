using System.Diagnostics;
using System.Globalization;
using System.Net;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Bench;

/// <summary>
/// An honest client's handshake while a <see cref="ReplayAttacker"/> replays precomputed handshakes as fast as one
/// core allows. The server runs in its own process with default options in every limit and in the puzzle
/// policy (<see cref="BenchServerProcess.AttackFlag"/>); the attacker and the honest client run here. They come from
/// different addresses, as they would on a network: the attacker binds 127.0.2.2 (Linux routes all of 127/8 to the
/// loopback interface), the honest <see cref="ChatClient"/> connects from 127.0.0.1. The honest client makes one
/// handshake at a time with a pause of <see cref="HonestPause"/> after each, so its own address stays under the
/// default 10 handshakes a second, as one person's client would; each is timed from the start of the TCP connect until
/// <see cref="ChatClient.ConnectAsync"/> returns, puzzles included. The same client is measured first without the
/// attack (the baseline), then with it.
/// </summary>
internal static class AttackBench
{
    /// <summary>The pause after each honest handshake (so one client starts about 4 a second at most).</summary>
    public static readonly TimeSpan HonestPause = TimeSpan.FromMilliseconds(200);

    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    /// <summary>How long the attack runs before the honest client starts measuring (past the first derived replays).</summary>
    private static readonly TimeSpan s_rampUp = TimeSpan.FromSeconds(1);

    internal sealed record Result(
        Samples Unloaded,
        Samples Attacked,
        double AttemptsPerSecond,
        string Attack,
        double AttackerCpuShare,
        double ServerCpuShare,
        double BenchCpuShare,
        int HonestPuzzles,
        string ServerStats);

    public static async Task<Result> MeasureAsync(BenchSettings settings)
    {
        using BenchIdentity identity = BenchIdentity.Create();
        using Process child = BenchChild.Start(BenchServerProcess.AttackFlag);
        try
        {
            int port = int.Parse(await ChildHandshakeBench.ReadLineAsync(child, s_timeout).ConfigureAwait(false), CultureInfo.InvariantCulture);
            var puzzles = new int[1];

            // Warm both ends' code paths (JIT), then the baseline.
            await HonestAsync(port, identity, 2, puzzles).ConfigureAwait(false);
            puzzles[0] = 0;
            Samples unloaded = await HonestAsync(port, identity, settings.AttackSamples, puzzles).ConfigureAwait(false);

            using var attacker = new ReplayAttacker(new IPEndPoint(IPAddress.Loopback, port), IPAddress.Parse("127.0.2.2"));
            using Process self = Process.GetCurrentProcess();
            child.Refresh();
            TimeSpan serverCpu = child.TotalProcessorTime;
            TimeSpan benchCpu = self.TotalProcessorTime;
            attacker.Start();
            Samples attacked;
            try
            {
                await Task.Delay(s_rampUp).ConfigureAwait(false);
                attacked = await HonestAsync(port, identity, settings.AttackSamples, puzzles).ConfigureAwait(false);
            }
            finally
            {
                attacker.Stop();
            }

            child.Refresh();
            self.Refresh();
            double seconds = attacker.Elapsed.TotalSeconds;
            double serverShare = (child.TotalProcessorTime - serverCpu).TotalSeconds / seconds;
            double benchShare = (self.TotalProcessorTime - benchCpu).TotalSeconds / seconds;
            if (attacker.Error is { } error)
            {
                throw new InvalidOperationException($"the attacker stopped early: {error.Message}", error);
            }

            await child.StandardInput.WriteLineAsync("stats").ConfigureAwait(false);
            await child.StandardInput.FlushAsync().ConfigureAwait(false);
            string stats = await ChildHandshakeBench.ReadLineAsync(child, s_timeout).ConfigureAwait(false);
            return new Result(unloaded, attacked, attacker.AttemptsPerSecond, attacker.Describe(), attacker.Cpu.TotalSeconds / seconds, serverShare, benchShare, puzzles[0], stats);
        }
        finally
        {
            await ChildHandshakeBench.StopAsync(child).ConfigureAwait(false);
        }
    }

    /// <summary>One honest client's handshakes, one at a time, each followed by <see cref="HonestPause"/>.</summary>
    private static async Task<Samples> HonestAsync(int port, BenchIdentity identity, int count, int[] puzzles)
    {
        var samples = new Samples(count);
        for (int i = 0; i < count; i++)
        {
            var client = new ChatClient(identity.ForClient(new ChatOptions { Name = "honest" }));
            client.StageChanged += peer =>
            {
                if (peer.Stage == SessionStage.SolvingPuzzle)
                {
                    Interlocked.Increment(ref puzzles[0]);
                }
            };

            long start = Stopwatch.GetTimestamp();
            await client.ConnectAsync("127.0.0.1", port).WaitAsync(s_timeout).ConfigureAwait(false);
            samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            await client.DisposeAsync().AsTask().WaitAsync(s_timeout).ConfigureAwait(false);
            await Task.Delay(HonestPause).ConfigureAwait(false);
        }

        return samples;
    }
}
