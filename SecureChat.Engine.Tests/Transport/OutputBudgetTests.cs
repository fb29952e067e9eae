using SecureChat.Engine.Tests.Adversarial;
using SecureChat.Engine.Tests.Support;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Transport;

/// <summary>The server-wide output budget's fair share (<see cref="ServerOutputBudget"/>) and the nick token bucket.</summary>
public sealed class OutputBudgetTests
{
    [Fact]
    public void While_the_server_wide_budget_is_spent_only_a_peer_holding_its_fair_share_or_more_must_be_dropped()
    {
        var server = new ServerOutputBudget(limit: 1000, fairShare: 100);
        var reader = new SendBudget(sendLimit: 500, peerLimit: 10_000, server);
        var hog = new SendBudget(sendLimit: 500, peerLimit: 10_000, server);

        reader.Report(pending: 50);
        hog.Report(pending: 900);
        server.IsSpent.ShouldBeFalse();
        hog.MustDrop(900).ShouldBeFalse("under its own budget and the server's");

        hog.Report(pending: 950);
        server.Unsent.ShouldBe(1000);
        server.IsSpent.ShouldBeTrue();
        hog.MustDrop(950).ShouldBeTrue("past its fair share while the server's budget is spent, and nobody else to drop");
        reader.MustDrop(50).ShouldBeFalse("a peer that keeps reading is never dropped for the others");

        hog.Release();
        server.Unsent.ShouldBe(50);
        server.Peak.ShouldBe(1000);
        reader.MustDrop(100).ShouldBeFalse();
    }

    [Fact]
    public async Task A_reader_past_its_fair_share_wins_the_room_back_from_a_larger_holder_which_stops_counting_at_once()
    {
        var server = new ServerOutputBudget(limit: 1000, fairShare: 100);
        var dropped = new List<string>();
        SendBudget reader = Peer(server, "10.0.0.1", "reader", dropped);
        SendBudget hog = Peer(server, "10.0.1.1", "hog", dropped);
        hog.Report(pending: 800);
        reader.Report(pending: 200);
        server.IsSpent.ShouldBeTrue();
        reader.MustDrop(250).ShouldBeFalse("the hog holds more");

        hog.IsCondemned.ShouldBeTrue();
        server.Unsent.ShouldBe(250, "the hog's backlog stops counting when it is chosen");
        hog.MustDrop(10).ShouldBeTrue("a chosen peer is given nothing more");
        hog.Report(pending: 900);
        server.Unsent.ShouldBe(250, "nor counted again");
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
        hog.Release();
        server.Unsent.ShouldBe(250);
        server.IsSpent.ShouldBeFalse();
    }

    [Fact]
    public void A_stalled_peer_is_chosen_before_any_larger_one_that_still_reads()
    {
        var server = new ServerOutputBudget(limit: 1000, fairShare: 100);
        var dropped = new List<string>();
        SendBudget reader = Peer(server, "10.0.0.1", "reader", dropped);
        SendBudget large = Peer(server, "10.0.1.1", "large", dropped);
        SendBudget stalled = Peer(server, "10.0.2.1", "stalled", dropped, stalled: true);
        large.Report(pending: 600);
        stalled.Report(pending: 200);
        reader.Report(pending: 200);

        server.ChooseDrop(reader).ShouldBeSameAs(stalled);
        server.ChooseDrop(large).ShouldBeSameAs(stalled);
    }

    [Fact]
    public void Connections_from_one_prefix_share_one_portion_so_many_small_holders_outweigh_one_larger_reader()
    {
        var server = new ServerOutputBudget(limit: 1000, fairShare: 100);
        var dropped = new List<string>();
        SendBudget reader = Peer(server, "10.0.0.1", "reader", dropped);
        SendBudget[] crowd = [.. Enumerable.Range(1, 4).Select(i => Peer(server, $"10.0.1.{i}", $"crowd{i}", dropped))];
        reader.Report(pending: 400);
        for (int i = 0; i < crowd.Length; i++)
        {
            crowd[i].Report(pending: 150 + i);
        }

        server.ChooseDrop(reader).ShouldBeSameAs(crowd[^1], "the prefix holding the most (604 B), its largest holder");
        crowd[^1].Condemn();
        server.ChooseDrop(reader).ShouldBeSameAs(crowd[^2], "the three left still hold 453 B together against the reader's 400 B");
        crowd[^2].Condemn();
        server.ChooseDrop(reader).ShouldBeSameAs(reader, "now the reader's prefix holds the most");
    }

    [Fact]
    public void Among_peers_of_one_prefix_the_largest_holder_is_chosen_and_a_tie_keeps_the_asking_peer()
    {
        var server = new ServerOutputBudget(limit: 1000, fairShare: 100);
        var dropped = new List<string>();
        SendBudget reader = Peer(server, "10.0.0.1", "reader", dropped);
        SendBudget hog = Peer(server, "10.0.0.2", "hog", dropped);
        reader.Report(pending: 300);
        hog.Report(pending: 700);

        server.ChooseDrop(reader).ShouldBeSameAs(hog);
        server.ChooseDrop(hog).ShouldBeSameAs(hog);
        reader.Report(pending: 700);
        server.ChooseDrop(reader).ShouldBeSameAs(reader);
    }

    private static SendBudget Peer(ServerOutputBudget server, string address, string name, List<string> dropped, bool stalled = false)
    {
        var budget = new SendBudget(sendLimit: 500, peerLimit: 10_000, server);
        budget.Attach(new SourcePrefix(System.Net.IPAddress.Parse(address)), () => stalled, () =>
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
        var budget = new SendBudget(sendLimit: 10, peerLimit: 100, new ServerOutputBudget(limit: 1 << 30, fairShare: 1));
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
