using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Transport;

/// <summary>
/// The hub's <see cref="WriteScheduler"/> takes turns with everything else on the thread pool: a worker sends for one
/// slice, then goes to the back of the queue, behind the reads waiting there; at most one worker per core; a link is
/// queued once however much output it gets meanwhile. Checked step by step with a thread pool queue and a clock of
/// the test's own, so each property is exact rather than timed.
/// </summary>
public sealed class WriteSchedulerTests
{
    [Fact]
    public void A_worker_whose_slice_is_spent_goes_behind_the_work_queued_meanwhile()
    {
        var pool = new ManualPool();
        var scheduler = new WriteScheduler(1, () => pool.Now, pool.Queue);
        FakeWriter[] writers = [.. Enumerable.Range(0, 5).Select(_ => new FakeWriter(pool, flushMs: 10))];
        foreach (FakeWriter writer in writers)
        {
            scheduler.Schedule(writer);
        }

        var reads = new List<long>();
        pool.Queue(new Callback(() => reads.Add(pool.Now))); // a socket read slice, queued behind the worker

        pool.RunNext(); // the worker: 10 ms, then 20 ms, which spends its 15 ms slice
        writers.Count(w => w.Flushes == 1).ShouldBe(2);
        pool.Pending.ShouldBe(2, "the read, then the worker again");

        pool.RunNext();
        reads.ShouldBe([20L], "the read ran before the rest of the writing");

        pool.RunAll();
        writers.ShouldAllBe(w => w.Flushes == 1);
        pool.Pending.ShouldBe(0);
    }

    [Fact]
    public void A_worker_within_its_slice_sends_for_every_waiting_link_in_one_turn()
    {
        var pool = new ManualPool();
        var scheduler = new WriteScheduler(1, () => pool.Now, pool.Queue);
        FakeWriter[] writers = [.. Enumerable.Range(0, 20).Select(_ => new FakeWriter(pool, flushMs: 0))];
        foreach (FakeWriter writer in writers)
        {
            scheduler.Schedule(writer);
        }

        pool.Pending.ShouldBe(1);
        pool.RunNext();

        writers.ShouldAllBe(w => w.Flushes == 1);
        pool.Pending.ShouldBe(0, "the worker ended with nothing left to send");
    }

    [Fact]
    public void Links_scheduled_while_wake_ups_are_held_start_no_worker_until_the_hold_ends_then_one_sends_for_all()
    {
        var pool = new ManualPool();
        var scheduler = new WriteScheduler(2, () => pool.Now, pool.Queue);
        FakeWriter[] writers = [.. Enumerable.Range(0, 10).Select(_ => new FakeWriter(pool, flushMs: 0))];
        using (WriteScheduler.HoldWakeUps())
        {
            using (WriteScheduler.HoldWakeUps())
            {
                scheduler.Schedule(writers[0]);
            }

            pool.Pending.ShouldBe(0, "an inner hold's end starts nothing");
            foreach (FakeWriter writer in writers.Skip(1))
            {
                scheduler.Schedule(writer);
            }

            pool.Pending.ShouldBe(0);
        }

        pool.Pending.ShouldBe(1, "one worker for all the links held");
        pool.RunNext();
        writers.ShouldAllBe(w => w.Flushes == 1);
        pool.Pending.ShouldBe(0);

        scheduler.Schedule(writers[0]);
        pool.Pending.ShouldBe(1, "without a hold a link starts its worker at once");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void No_more_workers_than_allowed_hold_a_place_in_the_queue(int maxWorkers)
    {
        var pool = new ManualPool();
        var scheduler = new WriteScheduler(maxWorkers, () => pool.Now, pool.Queue);
        FakeWriter[] writers = [.. Enumerable.Range(0, 50).Select(_ => new FakeWriter(pool, flushMs: 20))];
        foreach (FakeWriter writer in writers)
        {
            scheduler.Schedule(writer);
        }

        pool.Pending.ShouldBe(maxWorkers);
        int most = pool.RunAll();
        most.ShouldBeLessThanOrEqualTo(maxWorkers);
        writers.ShouldAllBe(w => w.Flushes == 1);
    }

    [Fact]
    public void A_link_with_more_output_while_it_waits_is_sent_once_and_again_if_it_gets_more_during_its_send()
    {
        var pool = new ManualPool();
        var scheduler = new WriteScheduler(1, () => pool.Now, pool.Queue);
        var writer = new FakeWriter(pool, flushMs: 0);

        scheduler.Schedule(writer);
        scheduler.Schedule(writer);
        scheduler.Schedule(writer);
        pool.RunAll();
        writer.Flushes.ShouldBe(1, "three records while it waited, one send");

        writer.DuringFlush = () =>
        {
            writer.DuringFlush = null;
            scheduler.Schedule(writer); // a record sealed while its batch is being sent
        };
        scheduler.Schedule(writer);
        pool.RunAll();
        writer.Flushes.ShouldBe(3, "the record sealed during the send went out in a send of its own");
    }

    /// <summary>A thread pool queue run by the test, one item at a time, with its own clock.</summary>
    private sealed class ManualPool
    {
        private readonly Queue<IThreadPoolWorkItem> _items = new();

        public long Now { get; set; }

        public int Pending => _items.Count;

        public void Queue(IThreadPoolWorkItem item) => _items.Enqueue(item);

        public void RunNext() => _items.Dequeue().Execute();

        /// <summary>Runs until the queue is empty; returns the most items it ever held.</summary>
        public int RunAll()
        {
            int most = _items.Count;
            for (int guard = 0; _items.Count > 0; guard++)
            {
                guard.ShouldBeLessThan(10_000, "the scheduler kept requeueing itself");
                RunNext();
                most = Math.Max(most, _items.Count);
            }

            return most;
        }
    }

    private sealed class Callback(Action action) : IThreadPoolWorkItem
    {
        public void Execute() => action();
    }

    private sealed class FakeWriter(ManualPool pool, int flushMs) : IScheduledWriter
    {
        private int _scheduled;

        public int Flushes { get; private set; }

        public Action? DuringFlush { get; set; }

        public bool TryMarkScheduled() => Interlocked.Exchange(ref _scheduled, 1) == 0;

        public void ClearScheduled() => Volatile.Write(ref _scheduled, 0);

        public void Flush()
        {
            Flushes++;
            pool.Now += flushMs;
            DuringFlush?.Invoke();
        }
    }
}
