using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Transport;

/// <summary><see cref="WakeSignal"/>: the writer's wake-up. No wake is lost, several count as one, and the waiter runs where asked.</summary>
public sealed class WakeSignalTests
{
    [Fact]
    public async Task A_set_before_the_wait_completes_the_wait_at_once_and_several_count_as_one()
    {
        var signal = new WakeSignal();
        signal.Set();
        signal.Set();

        signal.WaitAsync().IsCompleted.ShouldBeTrue();
        ValueTask second = signal.WaitAsync();
        second.IsCompleted.ShouldBeFalse("the two sets before the first wait were one wake");

        signal.Set();
        await second.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_waiter_woken_by_default_runs_on_the_thread_pool_not_on_the_setter()
    {
        var signal = new WakeSignal();
        int setter = Environment.CurrentManagedThreadId;
        var ranOn = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        Task waiter = Waiter(signal, ranOn);

        await Task.Run(() =>
        {
            setter = Environment.CurrentManagedThreadId;
            signal.Set();
            Thread.Sleep(200); // a waiter run here would have finished before this returns
        });

        (await ranOn.Task.WaitAsync(TimeSpan.FromSeconds(10))).ShouldNotBe(setter);
        await waiter;
    }

    [Fact]
    public async Task A_waiter_woken_with_run_here_runs_on_the_setter_before_set_returns()
    {
        var signal = new WakeSignal();
        var ranOn = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        Task waiter = Waiter(signal, ranOn);

        int setter = await Task.Run(() =>
        {
            signal.Set(runWaiterHere: true);
            ranOn.Task.IsCompleted.ShouldBeTrue("the waiter ran inside Set");
            return Environment.CurrentManagedThreadId;
        });

        (await ranOn.Task).ShouldBe(setter);
        await waiter;
    }

    [Fact]
    public async Task No_wake_is_lost_when_sets_race_the_waiter()
    {
        var signal = new WakeSignal();
        const int Rounds = 20_000;
        int produced = 0;
        int consumed = 0;

        Task consumer = Task.Run(async () =>
        {
            while (Volatile.Read(ref consumed) < Rounds)
            {
                await signal.WaitAsync();
                Volatile.Write(ref consumed, Volatile.Read(ref produced)); // takes everything produced so far, as the writer does
            }
        });

        Task[] producers = [.. Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            while (true)
            {
                int next = Interlocked.Increment(ref produced);
                if (next > Rounds)
                {
                    return;
                }

                signal.Set(runWaiterHere: next % 2 == 0);
            }
        }))];

        await Task.WhenAll(producers);
        await consumer.WaitAsync(TimeSpan.FromSeconds(30)); // a lost wake leaves the consumer waiting with work produced
        consumed.ShouldBeGreaterThanOrEqualTo(Rounds);
    }

    /// <summary>Starts waiting now (before returning), and records the thread the wait resumed on.</summary>
    private static Task Waiter(WakeSignal signal, TaskCompletionSource<int> ranOn)
    {
        ValueTask wait = signal.WaitAsync();
        wait.IsCompleted.ShouldBeFalse();
        return ResumeAsync(wait, ranOn);
    }

    private static async Task ResumeAsync(ValueTask wait, TaskCompletionSource<int> ranOn)
    {
        await wait.ConfigureAwait(false); // no test synchronization context: resume where the signal runs the waiter
        ranOn.SetResult(Environment.CurrentManagedThreadId);
    }
}
