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
internal sealed class WriteScheduler : IThreadPoolWorkItem
{
    /// <summary>How long one worker sends before it yields its thread (the socket engine's own slice).</summary>
    private const int SliceMilliseconds = 15;

    private readonly ConcurrentQueue<Connection> _ready = new();
    private readonly int _maxWorkers = Math.Max(1, Environment.ProcessorCount);
    private int _workers;

    /// <summary>The link has output: it is sent by a worker soon, with whatever else it gets until then.</summary>
    public void Schedule(Connection connection)
    {
        if (connection.TryMarkScheduled())
        {
            _ready.Enqueue(connection);
            EnsureWorker();
        }
    }

    void IThreadPoolWorkItem.Execute()
    {
        long start = Environment.TickCount64;
        while (_ready.TryDequeue(out Connection? connection))
        {
            connection.ClearScheduled(); // before the flush: output sealed during it schedules the link again
            connection.Flush();
            if (Environment.TickCount64 - start >= SliceMilliseconds)
            {
                // The slice is spent: back of the queue, behind the reads and everything else waiting.
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
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
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
                return;
            }
        }
    }
}
