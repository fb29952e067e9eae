using System.Diagnostics;
using System.Security.Cryptography;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;

namespace SecureChat.Bench;

/// <summary>
/// "Two PBKDF2 at once": what a handshake with both ends on this machine does (client and server derive at the
/// same moment). Two dedicated threads wait on a gate; each sample opens it for both and times from the opening
/// until the later of the two finishes (their common wall time). Each runs the engine's
/// <see cref="KeySchedule.DeriveMaster"/> at 100,000 iterations with a 256-byte secret and a 32-byte salt, as in an
/// ffdhe2048 handshake. On 2 idle cores one sample equals one derivation; more means the cores are shared. Not
/// thread-safe: one caller measures at a time.
/// </summary>
internal sealed class Pbkdf2Pair : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    private readonly byte[] _secret = RandomNumberGenerator.GetBytes(DhGroup.Ffdhe2048.ElementSize);
    private readonly byte[] _salt = RandomNumberGenerator.GetBytes(WireFormat.TranscriptHashSize);
    private readonly SemaphoreSlim[] _starts = [new(0, 1), new(0, 1)]; // one each, so neither can take the other's turn
    private readonly CountdownEvent _done = new(2);
    private readonly Thread[] _threads;
    private readonly long[] _ends = new long[2];
    private volatile bool _stopping;

    public Pbkdf2Pair()
    {
        _threads = [new Thread(() => Work(0)) { IsBackground = true, Name = "pbkdf2 pair 0" }, new Thread(() => Work(1)) { IsBackground = true, Name = "pbkdf2 pair 1" }];
        foreach (Thread thread in _threads)
        {
            thread.Start();
        }
    }

    /// <summary>One sample in milliseconds: both derivations started together, until both are done.</summary>
    public double MeasureOnce()
    {
        _done.Reset(2);
        long start = Stopwatch.GetTimestamp();
        _starts[0].Release();
        _starts[1].Release();
        if (!_done.Wait(s_timeout))
        {
            throw new TimeoutException("two PBKDF2 derivations took more than 30 s");
        }

        return Stopwatch.GetElapsedTime(start, Math.Max(_ends[0], _ends[1])).TotalMilliseconds;
    }

    /// <summary>Median of <paramref name="count"/> samples after one warmup.</summary>
    public static Samples Measure(int count)
    {
        using var pair = new Pbkdf2Pair();
        pair.MeasureOnce();
        var samples = new Samples(count);
        for (int i = 0; i < count; i++)
        {
            samples.Add(pair.MeasureOnce());
        }

        return samples;
    }

    public void Dispose()
    {
        _stopping = true;
        _starts[0].Release();
        _starts[1].Release();
        foreach (Thread thread in _threads)
        {
            thread.Join(s_timeout);
        }

        _starts[0].Dispose();
        _starts[1].Dispose();
        _done.Dispose();
    }

    private void Work(int index)
    {
        while (true)
        {
            _starts[index].Wait();
            if (_stopping)
            {
                return;
            }

            byte[] master = KeySchedule.DeriveMaster(_secret, _salt, WireFormat.IterationsDefault);
            _ends[index] = Stopwatch.GetTimestamp();
            CryptographicOperations.ZeroMemory(master);
            _done.Signal();
        }
    }
}
