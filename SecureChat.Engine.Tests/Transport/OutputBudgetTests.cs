using SecureChat.Engine.Tests.Adversarial;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Transport;

/// <summary>The server-wide output budget's fair share (<see cref="ServerOutputBudget"/>) and the nick token bucket.</summary>
public sealed class OutputBudgetTests
{
    private const int K = 1024;

    /// <summary>What a record given on lent room is charged: the largest record on the wire.</summary>
    private const int Record = ProcessMemoryTests.MaxRecord;

    [Fact]
    public void While_the_server_wide_budget_is_spent_only_a_peer_holding_its_fair_share_or_more_must_be_dropped()
    {
        var server = Server();
        var reader = new SendBudget(sendLimit: 500 * K, peerLimit: 10_000 * K, server);
        var hog = new SendBudget(sendLimit: 500 * K, peerLimit: 10_000 * K, server);

        reader.Report(pending: 50 * K);
        hog.Report(pending: 900 * K);
        server.IsSpent.ShouldBeFalse();
        hog.MustDrop(900 * K).ShouldBeFalse("under its own budget and the server's");

        hog.Report(pending: 950 * K);
        server.Unsent.ShouldBe(1000 * K);
        server.IsSpent.ShouldBeTrue();
        hog.MustDrop(950 * K).ShouldBeTrue("past its fair share while the server's budget is spent, and nobody else to drop");
        reader.MustDrop(50 * K).ShouldBeFalse("a peer that keeps reading is never dropped for the others");

        hog.Release();
        server.Unsent.ShouldBe(50 * K);
        server.Peak.ShouldBe(1000 * K);
        reader.MustDrop(100 * K).ShouldBeFalse();
    }

    [Fact]
    public async Task A_reader_past_its_fair_share_wins_room_from_a_larger_holder_whose_bytes_count_until_its_link_is_gone()
    {
        var server = Server();
        var dropped = new List<string>();
        SendBudget reader = Peer(server, "10.0.0.1", "reader", dropped);
        SendBudget hog = Peer(server, "10.0.1.1", "hog", dropped);
        hog.Report(pending: 800 * K);
        reader.Report(pending: 200 * K);
        server.IsSpent.ShouldBeTrue();
        reader.MustDrop(250 * K).ShouldBeFalse("the hog holds more");

        hog.IsCondemned.ShouldBeTrue();
        server.Unsent.ShouldBe(1050 * K, "the hog's bytes are still in memory: they count until its link is gone");
        server.IsSpent.ShouldBeTrue();
        server.Freeing.ShouldBe(800 * K);
        server.Lent.ShouldBe(Record, "the reader's record was given on room lent against the hog");
        hog.MustDrop(10).ShouldBeTrue("a chosen peer is given nothing more");
        reader.MustDrop(260 * K).ShouldBeFalse("the hog still covers the reader's next record");
        server.Lent.ShouldBe(2 * Record);
        await Eventually.True(
            () =>
            {
                lock (dropped)
                {
                    return dropped.Contains("hog");
                }
            },
            "the hog to be failed",
            TimeSpan.FromSeconds(10));
        dropped.ShouldNotContain("reader");

        hog.Release();
        server.Unsent.ShouldBe(260 * K);
        server.Freeing.ShouldBe(0);
        server.Lent.ShouldBe(0, "what was lent now counts in the reader's own backlog");
        server.IsSpent.ShouldBeFalse();
    }

    [Fact]
    public void Room_lent_against_a_dropped_peer_never_exceeds_what_it_holds_then_the_next_holder_is_chosen()
    {
        var server = Server();
        var dropped = new List<string>();
        SendBudget reader = Peer(server, "10.0.0.1", "reader", dropped);
        SendBudget hog = Peer(server, "10.0.1.1", "hog", dropped);
        SendBudget[] small = [.. Enumerable.Range(2, 7).Select(i => Peer(server, $"10.0.1.{i}", $"small{i}", dropped))];
        reader.Report(pending: 300 * K);
        hog.Report(pending: 100 * K);
        foreach (SendBudget peer in small)
        {
            peer.Report(pending: 90 * K); // under the fair share: never chosen, but their network holds the most
        }

        server.IsSpent.ShouldBeTrue();
        int given = 0;
        while (!reader.MustDrop(300 * K))
        {
            given++;
            given.ShouldBeLessThan(100);
        }

        given.ShouldBe(100 * K / Record, "the hog's 100 KiB cover six records of 16,453 bytes, not a seventh");
        server.LentPeak.ShouldBeLessThanOrEqualTo(server.Freeing);
        hog.IsCondemned.ShouldBeTrue();
        small.ShouldAllBe(p => !p.IsCondemned, "peers under their fair share are never chosen");
        server.Unsent.ShouldBe(1030 * K, "nothing stopped counting before it was released");
    }

    [Fact]
    public void Each_record_past_the_fair_share_drops_the_next_largest_holder_before_the_reader_uses_lent_room()
    {
        var server = Server();
        var dropped = new List<string>();
        SendBudget reader = Peer(server, "10.0.0.1", "reader", dropped);
        SendBudget[] silent = [.. Enumerable.Range(1, 3).Select(i => Peer(server, $"10.0.{i}.1", $"silent{i}", dropped))];
        reader.Report(pending: 200 * K);
        for (int i = 0; i < silent.Length; i++)
        {
            silent[i].Report(pending: (300 + i) * K);
        }

        server.IsSpent.ShouldBeTrue();
        for (int i = silent.Length - 1; i >= 0; i--)
        {
            reader.MustDrop(200 * K).ShouldBeFalse();
            silent[i].IsCondemned.ShouldBeTrue("the largest holder left goes first");
            silent.Take(i).ShouldAllBe(p => !p.IsCondemned);
        }

        reader.MustDrop(200 * K).ShouldBeFalse("nobody left to drop, but the silent peers' bytes are still being freed");
        server.Lent.ShouldBe(4 * Record);
        server.Freeing.ShouldBe(903 * K);
        server.Unsent.ShouldBe(1103 * K, "nothing stopped counting before it was released");
    }

    [Fact]
    public void Past_the_lend_limit_the_peer_the_record_is_for_is_dropped()
    {
        var server = Server(lendLimit: 2 * Record);
        var dropped = new List<string>();
        SendBudget reader = Peer(server, "10.0.0.1", "reader", dropped);
        SendBudget hog = Peer(server, "10.0.1.1", "hog", dropped);
        hog.Report(pending: 900 * K);
        reader.Report(pending: 200 * K);

        reader.MustDrop(200 * K).ShouldBeFalse();
        reader.MustDrop(200 * K).ShouldBeFalse();
        reader.MustDrop(200 * K).ShouldBeTrue("two records lent, the limit, though the hog holds 900 KiB");
        hog.IsCondemned.ShouldBeTrue();
        server.Lent.ShouldBe(2 * Record);
    }

    [Fact]
    public void A_peer_whose_link_is_gone_is_never_chosen_and_lends_nothing()
    {
        var server = Server();
        var dropped = new List<string>();
        SendBudget gone = Peer(server, "10.0.1.1", "gone", dropped);
        gone.Report(pending: 500 * K);
        gone.Release();
        gone.Condemn();

        gone.IsCondemned.ShouldBeTrue();
        server.Freeing.ShouldBe(0);
        server.Unsent.ShouldBe(0);
        dropped.ShouldBeEmpty();
    }

    [Fact]
    public void A_stalled_peer_is_chosen_before_any_larger_one_that_still_reads()
    {
        var server = Server();
        var dropped = new List<string>();
        SendBudget reader = Peer(server, "10.0.0.1", "reader", dropped);
        SendBudget large = Peer(server, "10.0.1.1", "large", dropped);
        SendBudget stalled = Peer(server, "10.0.2.1", "stalled", dropped, stalled: true);
        large.Report(pending: 600 * K);
        stalled.Report(pending: 200 * K);
        reader.Report(pending: 200 * K);

        server.ChooseDrop(reader).ShouldBeSameAs(stalled);
        server.ChooseDrop(large).ShouldBeSameAs(stalled);
    }

    [Fact]
    public void Within_one_prefix_the_peer_whose_write_has_waited_longest_is_chosen_before_a_larger_one_that_still_reads()
    {
        var server = Server();
        var dropped = new List<string>();
        SendBudget reader = Peer(server, "10.0.0.1", "reader", dropped, waitedMs: 100);
        SendBudget silent = Peer(server, "10.0.0.2", "silent", dropped, waitedMs: 800);
        SendBudget idle = Peer(server, "10.0.0.3", "idle", dropped);
        reader.Report(pending: 400 * K);
        silent.Report(pending: 200 * K);
        idle.Report(pending: 300 * K);

        server.ChooseDrop(reader).ShouldBeSameAs(silent, "its socket has taken nothing for longest, though the reader holds more");
        silent.Condemn();
        server.ChooseDrop(reader).ShouldBeSameAs(reader, "the reader's write has waited longer than the one peer left, which waits for nothing");
    }

    [Fact]
    public void Connections_from_one_prefix_share_one_portion_so_many_small_holders_outweigh_one_larger_reader()
    {
        var server = Server();
        var dropped = new List<string>();
        SendBudget reader = Peer(server, "10.0.0.1", "reader", dropped);
        SendBudget[] crowd = [.. Enumerable.Range(1, 4).Select(i => Peer(server, $"10.0.1.{i}", $"crowd{i}", dropped))];
        reader.Report(pending: 400 * K);
        for (int i = 0; i < crowd.Length; i++)
        {
            crowd[i].Report(pending: (150 * K) + i);
        }

        server.ChooseDrop(reader).ShouldBeSameAs(crowd[^1], "the prefix holding the most (600 KiB), its largest holder");
        crowd[^1].Condemn();
        server.ChooseDrop(reader).ShouldBeSameAs(crowd[^2], "the three left still hold 450 KiB together against the reader's 400 KiB");
        crowd[^2].Condemn();
        server.ChooseDrop(reader).ShouldBeSameAs(reader, "now the reader's prefix holds the most");
    }

    [Fact]
    public void Among_peers_of_one_prefix_the_largest_holder_is_chosen_and_a_tie_keeps_the_asking_peer()
    {
        var server = Server();
        var dropped = new List<string>();
        SendBudget reader = Peer(server, "10.0.0.1", "reader", dropped);
        SendBudget hog = Peer(server, "10.0.0.2", "hog", dropped);
        reader.Report(pending: 300 * K);
        hog.Report(pending: 700 * K);

        server.ChooseDrop(reader).ShouldBeSameAs(hog);
        server.ChooseDrop(hog).ShouldBeSameAs(hog);
        reader.Report(pending: 700 * K);
        server.ChooseDrop(reader).ShouldBeSameAs(reader);
    }

    /// <summary>A budget of 1000 KiB with a fair share of 100 KiB (six full records).</summary>
    internal static ServerOutputBudget Server(long lendLimit = 4096 * K) => new(limit: 1000 * K, fairShare: 100 * K, lendLimit);

    internal static SendBudget Peer(ServerOutputBudget server, string address, string name, List<string> dropped, bool stalled = false, int waitedMs = 0)
    {
        var budget = new SendBudget(sendLimit: 500 * K, peerLimit: 10_000 * K, server);
        budget.Attach(new SourcePrefix(System.Net.IPAddress.Parse(address)), () => stalled ? ServerOutputBudget.StalledAfter : TimeSpan.FromMilliseconds(waitedMs), () =>
        {
            lock (dropped)
            {
                dropped.Add(name);
            }
        });
        return budget;
    }

    [Fact]
    public void A_peer_past_its_own_budget_must_be_dropped_whatever_the_server_holds()
    {
        var budget = new SendBudget(sendLimit: 10, peerLimit: 100, new ServerOutputBudget(limit: 1 << 30, fairShare: 1, lendLimit: 0));
        budget.MustDrop(99).ShouldBeFalse();
        budget.MustDrop(100).ShouldBeTrue();
    }

    [Fact]
    public void The_nick_bucket_allows_the_burst_then_one_change_per_interval()
    {
        var time = new ManualTime();
        var limit = new NickRateLimit(burst: 3, TimeSpan.FromSeconds(5), time);
        Enumerable.Range(0, 3).Select(_ => limit.TryTake()).ShouldAllBe(ok => ok);
        limit.TryTake().ShouldBeFalse();

        time.Advance(TimeSpan.FromSeconds(4.9));
        limit.TryTake().ShouldBeFalse();
        time.Advance(TimeSpan.FromSeconds(0.2));
        limit.TryTake().ShouldBeTrue();
        limit.TryTake().ShouldBeFalse();

        time.Advance(TimeSpan.FromHours(1));
        Enumerable.Range(0, 3).Select(_ => limit.TryTake()).ShouldAllBe(ok => ok, "the bucket holds at most the burst");
        limit.TryTake().ShouldBeFalse();
    }
}
