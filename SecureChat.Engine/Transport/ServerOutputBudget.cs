namespace SecureChat.Engine.Transport;

/// <summary>
/// The hub's server-wide output budget: the sum of every peer's unsent bytes (what each <see cref="SendBudget"/>
/// reports). While the sum is at or past <see cref="ChatOptions.ServerOutputLimit"/>, a peer that holds
/// <see cref="ChatOptions.ServerOutputFairShare"/> or more unsent is dropped as too slow on its next record instead
/// of being given more, so many peers that each stay under their own budget still cannot add up to an unbounded
/// total, while peers that keep reading (whose backlog stays small) are never dropped for it. Thread-safe
/// (interlocked counter; read without a lock, so a decision may be one record late).
/// </summary>
internal sealed class ServerOutputBudget(long limit, int fairShare)
{
    private long _unsent;
    private long _peak;
    private long _drainedAt;

    /// <summary>Unsent bytes over every peer now.</summary>
    public long Unsent => Interlocked.Read(ref _unsent);

    /// <summary>The largest <see cref="Unsent"/> seen (for tests and the benchmark).</summary>
    public long Peak => Interlocked.Read(ref _peak);

    /// <summary>When <see cref="Unsent"/> last fell to zero (a <see cref="System.Diagnostics.Stopwatch"/> timestamp; for the benchmark).</summary>
    public long DrainedAt => Interlocked.Read(ref _drainedAt);

    /// <summary>True while the server-wide budget is spent.</summary>
    public bool IsSpent => Interlocked.Read(ref _unsent) >= limit;

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

        long peak = Interlocked.Read(ref _peak);
        while (now > peak)
        {
            long seen = Interlocked.CompareExchange(ref _peak, now, peak);
            if (seen == peak)
            {
                break;
            }

            peak = seen;
        }
    }
}
