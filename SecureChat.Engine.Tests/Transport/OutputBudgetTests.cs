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
        hog.MustDrop(950).ShouldBeTrue("past its fair share while the server's budget is spent");
        reader.MustDrop(50).ShouldBeFalse("a peer that keeps reading is never dropped for the others");
        reader.MustDrop(100).ShouldBeTrue();

        hog.Release();
        server.Unsent.ShouldBe(50);
        server.Peak.ShouldBe(1000);
        reader.MustDrop(100).ShouldBeFalse();
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
