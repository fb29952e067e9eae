using SecureChat.Engine.Tests.Adversarial;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Transport;

/// <summary>
/// What choosing a peer to drop costs (<see cref="ServerOutputBudget.ChooseDrop"/>): only the peers past their fair
/// share are looked at, with each source prefix's sum kept as backlogs change, exact however the peers' threads and
/// the threads that drop them interleave.
/// </summary>
public sealed class FairShareChoiceTests(ITestOutputHelper output)
{
    private const int K = 1024;

    /// <summary>What a record given on lent room is charged: the largest record on the wire.</summary>
    private const int Record = ProcessMemoryTests.MaxRecord;

    [Fact]
    public void Choosing_whom_to_drop_looks_only_at_peers_past_their_fair_share_however_many_are_connected()
    {
        var server = OutputBudgetTests.Server();
        var dropped = new List<string>();
        SendBudget reader = OutputBudgetTests.Peer(server, "10.0.0.1", "reader", dropped);
        SendBudget hog = OutputBudgetTests.Peer(server, "10.0.1.1", "hog", dropped);
        SendBudget[] crowd = [.. Enumerable.Range(0, 5000).Select(i => OutputBudgetTests.Peer(server, $"10.{1 + (i / 250)}.{i % 250}.2", $"crowd{i}", dropped))];
        foreach (SendBudget peer in crowd)
        {
            peer.Report(pending: 100); // far under the fair share: never chosen
        }

        hog.Report(pending: 600 * K);
        reader.Report(pending: 200 * K);
        server.IsSpent.ShouldBeTrue();

        int given = 0;
        while (!reader.MustDrop(200 * K))
        {
            given++;
            given.ShouldBeLessThan(1000);
        }

        double perRecord = (double)server.Examined / (given + 1);
        output.WriteLine($"{crowd.Length + 2} peers, {given} records given on room lent against the hog, then the reader dropped: {server.Examined:N0} peers examined, {perRecord:F1} per record");
        hog.IsCondemned.ShouldBeTrue();
        given.ShouldBe(600 * K / Record);
        perRecord.ShouldBeLessThanOrEqualTo(4, "only the two peers past their fair share are candidates");
    }

    [Fact]
    public void A_prefixs_sum_follows_its_peers_as_they_grow_are_chosen_and_leave_and_starts_again_from_nothing()
    {
        var server = OutputBudgetTests.Server();
        var dropped = new List<string>();
        SendBudget first = OutputBudgetTests.Peer(server, "10.0.1.1", "first", dropped);
        SendBudget second = OutputBudgetTests.Peer(server, "10.0.1.2", "second", dropped);
        first.Report(pending: 150 * K);
        second.Report(pending: 50 * K);
        first.PrefixHeld.ShouldBe(200 * K);
        second.PrefixHeld.ShouldBe(200 * K);

        first.Condemn();
        second.PrefixHeld.ShouldBe(50 * K, "a peer chosen to be dropped no longer counts for its prefix");
        first.Report(pending: 10 * K);
        second.PrefixHeld.ShouldBe(50 * K, "nor do its later backlogs");
        first.Release();
        second.Release();

        SendBudget later = OutputBudgetTests.Peer(server, "10.0.1.3", "later", dropped);
        later.Report(pending: 20 * K);
        later.PrefixHeld.ShouldBe(20 * K, "peers that left took their bytes with them");
        server.Unsent.ShouldBe(20 * K);
    }

    [Fact]
    public async Task Backlogs_changing_while_other_threads_drop_those_peers_leave_every_prefix_sum_exact()
    {
        var server = OutputBudgetTests.Server();
        var dropped = new List<string>();
        var current = new SendBudget[4];
        for (int t = 0; t < current.Length; t++)
        {
            current[t] = OutputBudgetTests.Peer(server, $"10.0.{t % 2}.{t}", $"p{t}", dropped);
        }

        int replaced = 0;
        int reporting = current.Length;
        long changes = 0;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Task condemner = Task.Factory.StartNew(
            () =>
            {
                var random = new Random(99);
                while (Volatile.Read(ref reporting) > 0)
                {
                    Volatile.Read(ref current[random.Next(current.Length)]).Condemn(); // from another link's thread, as the hub does
                    Thread.SpinWait(random.Next(10, 100));
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning, // its own thread: the reporters cannot keep it from running
            TaskScheduler.Default);
        await Task.WhenAll(Enumerable.Range(0, current.Length).Select(t => Task.Run(() =>
        {
            var random = new Random(t);
            for (int n = 0; Volatile.Read(ref replaced) < 500; n++)
            {
                SendBudget peer = current[t];
                if (peer.IsCondemned)
                {
                    peer.Release(); // its link is gone; a new peer from the same network takes its place
                    Volatile.Write(ref current[t], OutputBudgetTests.Peer(server, $"10.0.{t % 2}.{t}", $"p{t}", dropped));
                    Interlocked.Increment(ref replaced);
                    continue;
                }

                peer.Report(pending: random.Next(0, 200 * K));
                if (Interlocked.Increment(ref changes) % 256 == 0)
                {
                    Thread.Yield(); // on a machine with fewer cores than threads here, the condemner gets its turns
                }
            }

            Interlocked.Decrement(ref reporting);
        })));
        await condemner;

        foreach (IGrouping<SourcePrefix?, SendBudget> prefix in current.GroupBy(p => p.Prefix))
        {
            prefix.First().PrefixHeld.ShouldBe(prefix.Where(p => !p.IsCondemned).Sum(p => (long)p.Held), $"the sum of {prefix.Key}: its live peers' backlogs, nothing left over from those dropped");
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{replaced} peers dropped by another thread and replaced in {watch.ElapsedMilliseconds} ms, {changes:N0} backlog changes on 4 threads meanwhile");
        foreach (SendBudget peer in current)
        {
            peer.Release();
        }

        server.Unsent.ShouldBe(0);
    }
}
