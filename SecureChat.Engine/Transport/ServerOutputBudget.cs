using System.Collections.Concurrent;
using SecureChat.Engine.Diagnostics;

namespace SecureChat.Engine.Transport;

/// <summary>
/// The hub's server-wide output budget: the sum of every peer's unsent bytes (what each <see cref="SendBudget"/>
/// reports). While the sum is at or past <see cref="ChatOptions.ServerOutput"/>, a record for a peer holding
/// <see cref="ChatOptions.FairShare"/> or more is given only on room lent against peers chosen to be
/// dropped (<see cref="TryLend"/>); when there is none, one such peer is chosen by <see cref="ChooseDrop"/>: a
/// stalled one (its socket has taken nothing for <see cref="StalledAfter"/>) before any other, else, of the source
/// prefix that holds the most, the peer whose socket has taken nothing for longest (then the largest holder). So many
/// peers that each stay under their own budget still cannot add up to an unbounded total, while a peer that keeps
/// reading (whose writes keep completing) is dropped only when no other peer past its fair share waits longer, and
/// many connections from one network cannot outweigh one from another.
/// </summary>
/// <remarks>
/// A chosen peer's bytes go on counting until its link is gone (<see cref="SendBudget.Release"/>): they are memory
/// until then. What is lent against them is at most what they hold, and at most <c>lendLimit</c> over all, so the
/// room given while they close adds at most that to the sum, once. Thread-safe (interlocked counters, a concurrent
/// set of the peers holding their fair share and each prefix's sum, read without a lock, so a decision may be one
/// record late).
/// </remarks>
internal sealed class ServerOutputBudget(long limit, int fairShare, long lendLimit)
{
    private long _freeing;
    private long _lent;
    private long _lentPeak;
    private long _unsent;
    private long _peak;
    private long _queued;
    private long _queuedPeak;
    private long _examined;
    private readonly ConcurrentDictionary<SendBudget, byte> _candidates = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentDictionary<SourcePrefix, PrefixShare> _prefixes = new();

    /// <summary>
    /// How long one socket write may wait before its peer counts as stalled, and is dropped before any peer that is
    /// still reading: a 64 KiB write that takes longer means the peer reads under 32 KiB/s at that moment.
    /// </summary>
    public static readonly TimeSpan StalledAfter = TimeSpan.FromSeconds(2);

    /// <summary>Unsent bytes over every peer now.</summary>
    public long Unsent => Interlocked.Read(ref _unsent);

    /// <summary>The largest <see cref="Unsent"/> seen (for tests and the benchmark).</summary>
    public long Peak => Interlocked.Read(ref _peak);

    /// <summary>How many peers <see cref="ChooseDrop"/> has looked at over all its calls (for tests and the benchmark).</summary>
    public long Examined => Interlocked.Read(ref _examined);

    /// <summary>Where bytes written and fan-outs drained are measured, if anywhere.</summary>
    public ServerMetrics? Metrics { get; init; }

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

    /// <summary>Bytes held by peers chosen to be dropped whose links are not gone yet: still counted in <see cref="Unsent"/>.</summary>
    public long Freeing => Interlocked.Read(ref _freeing);

    /// <summary>Room lent against <see cref="Freeing"/> now: records given to peers past their fair share while the budget is spent.</summary>
    public long Lent => Interlocked.Read(ref _lent);

    /// <summary>The largest <see cref="Lent"/> seen (for tests).</summary>
    public long LentPeak => Interlocked.Read(ref _lentPeak);

    /// <summary>
    /// The budget is spent and a peer holding its fair share or more wants one more record of at most
    /// <paramref name="bytes"/>: lends the room against the bytes of peers chosen to be dropped and not gone yet.
    /// <see cref="LendResult.NoRoom"/> when those would not cover it (choose another peer to drop), or
    /// <see cref="LendResult.Exhausted"/> when the lend limit would be passed (dropping more would not free memory
    /// sooner: the peer the record is for is dropped).
    /// </summary>
    public LendResult TryLend(int bytes)
    {
        while (true)
        {
            long lent = Interlocked.Read(ref _lent);
            if (lent + bytes > lendLimit)
            {
                return LendResult.Exhausted;
            }

            if (lent + bytes > Interlocked.Read(ref _freeing))
            {
                return LendResult.NoRoom;
            }

            if (Interlocked.CompareExchange(ref _lent, lent + bytes, lent) == lent)
            {
                RaisePeak(ref _lentPeak, lent + bytes);
                return LendResult.Lent;
            }
        }
    }

    /// <summary>A peer holding <paramref name="held"/> bytes was chosen to be dropped: room may be lent against them.</summary>
    public void AddFreeing(int held) => Interlocked.Add(ref _freeing, held);

    /// <summary>
    /// A peer chosen to be dropped is gone, and its <paramref name="credit"/> (what it held when chosen) with it: what
    /// was lent against it is now counted where it went, in the backlog of the peers it was lent to.
    /// </summary>
    public void Settle(int credit)
    {
        Interlocked.Add(ref _freeing, -credit);
        long lent = Interlocked.Read(ref _lent);
        long before;
        while ((before = Interlocked.CompareExchange(ref _lent, Math.Max(0, lent - credit), lent)) != lent)
        {
            lent = before;
        }
    }

    /// <summary>
    /// A peer may be chosen by <see cref="ChooseDrop"/> from now on, holding <paramref name="held"/>: returns the share
    /// of its source prefix it counts in (null without a prefix). Called under the peer's state lock, as are
    /// <see cref="Moved"/> and <see cref="Leave"/>, so each peer's moves arrive in order.
    /// </summary>
    public PrefixShare? Join(SendBudget peer, SourcePrefix? prefix, int held)
    {
        PrefixShare? share = null;
        if (prefix is { } key)
        {
            do
            {
                share = _prefixes.GetOrAdd(key, static _ => new PrefixShare());
            }
            while (!share.TryEnter());
        }

        Moved(peer, share, 0, held);
        return share;
    }

    /// <summary>
    /// A live peer's holding went from <paramref name="before"/> to <paramref name="now"/> (to zero when it is chosen to
    /// be dropped or gone): its prefix's sum follows, and it is a candidate to drop exactly while it holds its fair share.
    /// </summary>
    public void Moved(SendBudget peer, PrefixShare? share, int before, int now)
    {
        share?.Add(now - before);
        if (now >= fairShare && before < fairShare)
        {
            _candidates.TryAdd(peer, 0);
        }
        else if (now < fairShare && before >= fairShare)
        {
            _candidates.TryRemove(peer, out _);
        }
    }

    /// <summary>The peer is gone (its holding already moved to zero).</summary>
    public void Leave(SourcePrefix? prefix, PrefixShare? share)
    {
        if (prefix is { } key && share is not null && share.Leave())
        {
            _prefixes.TryRemove(KeyValuePair.Create(key, share));
        }
    }

    /// <summary>
    /// The budget is spent and <paramref name="asking"/> holds its fair share or more: returns the peer to drop (which
    /// may be <paramref name="asking"/> itself), among those holding their fair share or more and not already chosen.
    /// First the stalled one holding the most; else, of the source prefix holding the most over all its peers (so
    /// connections from one network share one portion, however many there are), the peer whose socket has taken
    /// nothing of what it owes for longest, between writes too (a peer that keeps reading sees its writes complete),
    /// then the one holding the most. A tie
    /// keeps <paramref name="asking"/>, whose record would otherwise be the one to pass the budget. Only the candidates
    /// are looked at (the peers holding their fair share or more, at most what the budget and the room lent hold over
    /// the fair share), with each prefix's sum kept as the peers' backlogs change, so the choice costs the same however
    /// many peers are connected.
    /// </summary>
    public SendBudget ChooseDrop(SendBudget asking)
    {
        SendBudget? stalled = null;
        SendBudget victim = asking;
        long victimPrefix = asking.PrefixHeld;
        int examined = 0;
        foreach (SendBudget peer in _candidates.Keys)
        {
            examined++;
            int held = peer.Held;
            if (peer.IsCondemned || held < fairShare)
            {
                continue;
            }

            if ((stalled is null || held > stalled.Held) && peer.IsStalled)
            {
                stalled = peer;
            }

            long prefixHeld = peer.PrefixHeld;
            if (!ReferenceEquals(peer, asking) && (prefixHeld > victimPrefix || (prefixHeld == victimPrefix && WaitsLonger(peer, victim))))
            {
                victim = peer;
                victimPrefix = prefixHeld;
            }
        }

        Interlocked.Add(ref _examined, examined);
        return stalled ?? victim;

        // Within one prefix: the peer whose socket has taken nothing for longest (a reader's socket keeps taking), then
        // the one holding the most; a tie keeps the peer asking.
        static bool WaitsLonger(SendBudget peer, SendBudget than)
        {
            TimeSpan peerWaited = peer.Waited;
            TimeSpan thanWaited = than.Waited;
            return peerWaited > thanWaited || (peerWaited == thanWaited && peer.Held > than.Held);
        }
    }

    /// <summary>A peer's unsent bytes changed by <paramref name="delta"/>.</summary>
    public void Add(long delta)
    {
        long now = Interlocked.Add(ref _unsent, delta);
        if (now == 0 && delta < 0)
        {
            Metrics?.Drained();
        }

        RaisePeak(ref _peak, now);
    }

    /// <summary>A peer's socket took <paramref name="bytes"/>.</summary>
    public void Sent(int bytes) => Metrics?.Sent(bytes);

    /// <summary>A link's session sent acknowledgements (counted in the server's metrics).</summary>
    public void AcksSent(long count) => Metrics?.AcksSent(count);

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
