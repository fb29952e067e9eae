namespace SecureChat.Engine.Transport;

/// <summary>
/// The hub's server-wide output budget: the sum of every peer's unsent bytes (what each <see cref="SendBudget"/>
/// reports). While the sum is at or past <see cref="ChatOptions.ServerOutput"/>, a peer that holds
/// <see cref="ChatOptions.FairShare"/> or more unsent is dropped as too slow on its next record instead
/// of being given more, so many peers that each stay under their own budget still cannot add up to an unbounded
/// total, while peers that keep reading (whose backlog stays small) are never dropped for it. Thread-safe
/// (interlocked counter; read without a lock, so a decision may be one record late).
/// </summary>
internal sealed class ServerOutputBudget(long limit, int fairShare)
{
    private long _unsent;
    private long _peak;
    private long _queued;
    private long _queuedPeak;
    private long _drainedAt;

    /// <summary>Unsent bytes over every peer now.</summary>
    public long Unsent => Interlocked.Read(ref _unsent);

    /// <summary>The largest <see cref="Unsent"/> seen (for tests and the benchmark).</summary>
    public long Peak => Interlocked.Read(ref _peak);

    /// <summary>When <see cref="Unsent"/> last fell to zero (a <see cref="System.Diagnostics.Stopwatch"/> timestamp; for the benchmark).</summary>
    public long DrainedAt => Interlocked.Read(ref _drainedAt);

    /// <summary>
    /// What the peers' received events hold while they wait to be raised (relayed and shown): bounded per link by
    /// <see cref="ChatOptions.ReceiveQueueLimit"/>, and counted here with the unsent output.
    /// </summary>
    public long Queued => Interlocked.Read(ref _queued);

    /// <summary>The largest <see cref="Queued"/> seen (for tests).</summary>
    public long QueuedPeak => Interlocked.Read(ref _queuedPeak);

    /// <summary>True while the server-wide budget is spent (unsent output and queued received events together).</summary>
    public bool IsSpent => Interlocked.Read(ref _unsent) + Interlocked.Read(ref _queued) >= limit;

    /// <summary>The backlog at or past which a peer is dropped while the budget is spent.</summary>
    public int FairShare => fairShare;

    /// <summary>A peer's unsent bytes changed by <paramref name="delta"/>.</summary>
    public void Add(long delta)
    {
        long now = Interlocked.Add(ref _unsent, delta);
        if (now == 0 && delta < 0)
        {
            Interlocked.Exchange(ref _drainedAt, System.Diagnostics.Stopwatch.GetTimestamp());
        }

        RaisePeak(ref _peak, now);
    }

    /// <summary>Received events holding <paramref name="delta"/> bytes were queued (or, negative, raised).</summary>
    public void AddQueued(long delta) => RaisePeak(ref _queuedPeak, Interlocked.Add(ref _queued, delta));

    private static void RaisePeak(ref long peak, long now)
    {
        long seen = Interlocked.Read(ref peak);
        while (now > seen)
        {
            long before = Interlocked.CompareExchange(ref peak, now, seen);
            if (before == seen)
            {
                break;
            }

            seen = before;
        }
    }
}
