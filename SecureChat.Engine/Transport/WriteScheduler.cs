using System.Collections.Concurrent;

namespace SecureChat.Engine.Transport;

/// <summary>
/// Hub: sends the links' sealed output from a few thread pool work items that take turns with the socket engine's,
/// instead of one work item per record per link. A link with output is queued once (however many records it gets
/// meanwhile, which then go out in one write); at most one worker per core runs, each for a bounded slice before it
/// goes to the back of the thread pool's queue.
/// </summary>
/// <remarks>
/// <para>
/// Why: the socket engine reads in slices of at most 15 ms, each a thread pool work item in the same FIFO queue as
/// everything else. When every relayed record queued its own writer wake-up, a hub relaying for 200 busy members
/// had hundreds of thousands of those ahead of each reading slice: under CPU load a member's messages waited unread
/// in the hub's socket for tens of seconds (<c>HubLoadTests</c>, BENCHMARKS.md). Here writing holds at most
/// <see cref="Environment.ProcessorCount"/> places in that queue, so reading and writing alternate.
/// </para>
/// <para>Thread-safe.</para>
/// </remarks>
/// <param name="maxWorkers">At most this many workers at once.</param>
/// <param name="milliseconds">The clock that measures a worker's slice, in milliseconds.</param>
/// <param name="queue">Puts a worker at the back of the thread pool's queue.</param>
internal sealed class WriteScheduler(int maxWorkers, Func<long> milliseconds, Action<IThreadPoolWorkItem> queue) : IThreadPoolWorkItem
{
    /// <summary>How long one worker sends before it yields its thread (the socket engine's own slice).</summary>
    internal const int SliceMilliseconds = 15;

    private readonly ConcurrentQueue<IScheduledWriter> _ready = new();
    private readonly int _maxWorkers = Math.Max(1, maxWorkers);
    private int _workers;

    [ThreadStatic]
    private static int t_holding;

    [ThreadStatic]
    private static List<WriteScheduler>? t_held;

    /// <summary>One worker per core on the thread pool, slices on the real clock.</summary>
    public WriteScheduler()
        : this(Environment.ProcessorCount, static () => Environment.TickCount64, static item => ThreadPool.UnsafeQueueUserWorkItem(item, preferLocal: false))
    {
    }

    /// <summary>The link has output: it is sent by a worker soon, with whatever else it gets until then.</summary>
    public void Schedule(IScheduledWriter writer)
    {
        if (writer.TryMarkScheduled())
        {
            _ready.Enqueue(writer);
            if (t_holding > 0)
            {
                List<WriteScheduler> held = t_held ??= [];
                if (!held.Contains(this))
                {
                    held.Add(this);
                }
            }
            else
            {
                EnsureWorker();
            }
        }
    }

    /// <summary>
    /// Until the result is disposed, the links this thread schedules are queued without starting a worker; then a
    /// worker starts for them all. A relay sealed for many links in a row uses it: starting a worker for the first
    /// link, which then caught up with the sealing and stopped, and another for the next, cost a thread wake-up per
    /// recipient. A worker already running still takes the links as they are queued.
    /// </summary>
    public static HeldWakeUps HoldWakeUps()
    {
        t_holding++;
        return default;
    }

    /// <summary>Ends one <see cref="HoldWakeUps"/> of this thread; the outermost starts the workers held back.</summary>
    internal static void ReleaseWakeUps()
    {
        if (--t_holding > 0 || t_held is not { Count: > 0 } held)
        {
            return;
        }

        foreach (WriteScheduler scheduler in held)
        {
            scheduler.EnsureWorker();
        }

        held.Clear();
    }

    void IThreadPoolWorkItem.Execute()
    {
        long start = milliseconds();
        while (_ready.TryDequeue(out IScheduledWriter? writer))
        {
            writer.ClearScheduled(); // before the flush: output sealed during it schedules the link again
            writer.Flush();
            if (milliseconds() - start >= SliceMilliseconds)
            {
                // The slice is spent: back of the queue, behind the reads and everything else waiting.
                queue(this);
                return;
            }
        }

        Interlocked.Decrement(ref _workers);
        if (!_ready.IsEmpty)
        {
            EnsureWorker(); // a link queued after this worker's last look and before it counted itself out
        }
    }

    private void EnsureWorker()
    {
        while (true)
        {
            int workers = Volatile.Read(ref _workers);
            if (workers >= _maxWorkers || _ready.IsEmpty)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref _workers, workers + 1, workers) == workers)
            {
                queue(this);
                return;
            }
        }
    }
}
